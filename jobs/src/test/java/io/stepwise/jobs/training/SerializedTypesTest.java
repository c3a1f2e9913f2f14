package io.stepwise.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.wire.LabelledExample;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** What crosses the network and sits in state is serialized by Flink's POJO serializer, not by Kryo. */
class SerializedTypesTest {

    @Test
    void examplesAndProgressArePojos() {
        assertThat(TypeInformation.of(LabelledExample.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(TrainerProgress.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void anExampleSurvivesTheRoundTrip() throws Exception {
        TypeSerializer<LabelledExample> s = TypeInformation.of(LabelledExample.class).createSerializer(new SerializerConfigImpl());
        for (LabelledExample e : new LabelledExample[]{
            LabelledExample.tagged(new String[]{"the", "dog"}, new String[]{"DET", "NOUN"}),
            LabelledExample.sums(new double[]{3, -5}, null),
            LabelledExample.sums(new double[]{1}, new double[]{2})}) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            s.serialize(e, out);
            assertThat(s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(e);
        }
    }
}
