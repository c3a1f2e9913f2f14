package io.stepwise.migration;

import io.stepwise.jobs.inference.InferenceJob;
import io.stepwise.jobs.inference.ServingSettings;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.RawRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The inference job as the savepoint generator and the migration test run it: the production
 * operators after the sources ({@link InferenceJob#wire}, so with their production uids
 * {@code parse-elements}, {@code parse-model-versions}, {@code running-inference}, …), fed from files
 * of JSON lines instead of Kafka, results and dead letters collected in this JVM.
 */
final class MigrationJob {

    /**
     * The defaults, but streams never idle out. The idle expiry is a processing-time timer whose time
     * is in the savepoint: with the default 30 minutes, every stream of a savepoint restored later
     * than that expires the moment the job starts (as it would in production after such a gap).
     */
    static final ServingSettings OPTIONS = ServingSettings.builder().idleTimeout(Duration.ofDays(36_500)).build();

    /** Of the keyed operator: its state is split in key groups over two subtasks. */
    static final int PARALLELISM = 2;

    static final String ELEMENTS_TOPIC = "elements";
    static final String MODEL_TOPIC = "model-versions";

    private final CollectingSink results = new CollectingSink();
    private final CollectingSink deadLetters = new CollectingSink();

    private MigrationJob() {
    }

    /**
     * Adds the job to {@code env}, reading elements and model records (announcements) from the two
     * sources, whose operators take uids beginning with {@code sourceUidPrefix}.
     */
    static MigrationJob addTo(StreamExecutionEnvironment env, FileSource<String> elements, FileSource<String> modelRecords,
                              String sourceUidPrefix) {
        env.setParallelism(PARALLELISM);
        MigrationJob job = new MigrationJob();
        InferenceJob.wire(records(env, elements, ELEMENTS_TOPIC, sourceUidPrefix + "elements", PARALLELISM),
                records(env, modelRecords, MODEL_TOPIC, sourceUidPrefix + "model-records", 1),
                job.results, job.deadLetters, OPTIONS, null, "");
        return job;
    }

    /** The lines of {@code file}, once: a job on bounded sources ends when all is processed. */
    static FileSource<String> once(Path file) {
        return FileSource.forRecordStreamFormat(new TextLineInputFormat(), flinkPath(file)).build();
    }

    /** Every file that appears in {@code dir}: the job never ends by itself. */
    static FileSource<String> watching(Path dir) {
        return FileSource.forRecordStreamFormat(new TextLineInputFormat(), flinkPath(dir))
                .monitorContinuously(Duration.ofMillis(200)).build();
    }

    List<KeyedJson> results() {
        return results.records();
    }

    List<KeyedJson> deadLetters() {
        return deadLetters.records();
    }

    /**
     * The lines as raw records. The elements' chain runs at the job's parallelism, like the parser
     * after it, so records go forward to it: a rebalance from one reader to two parsers would
     * reorder a stream's elements, and the seq check would drop the overtaken ones. (One reader
     * gets the file's only split, so each stream's elements keep their order.) The model records
     * run at parallelism 1, as their parser does.
     */
    private static DataStream<RawRecord> records(StreamExecutionEnvironment env, FileSource<String> lines, String topic,
                                                 String uid, int parallelism) {
        return env.fromSource(lines, WatermarkStrategy.noWatermarks(), uid, Types.STRING).uid(uid).setParallelism(parallelism)
                .filter(line -> !line.isBlank()).uid(uid + "-non-blank").setParallelism(parallelism)
                // no Kafka coordinates and no Kafka timestamp: every element carries its own ts
                .map(line -> new RawRecord(topic, 0, -1, -1, null, line)).returns(TypeInformation.of(RawRecord.class))
                .uid(uid + "-raw").setParallelism(parallelism);
    }

    private static org.apache.flink.core.fs.Path flinkPath(Path p) {
        return new org.apache.flink.core.fs.Path(p.toAbsolutePath().toUri());
    }
}
