package io.stepwise.pipeline;

/** What a row runs between the input and the output topic: the Kafka copy or the inference job. */
interface SystemUnderTest extends AutoCloseable {

    /** Starts reading the input topic from its beginning and writing to the output topic. */
    void start() throws Exception;

    /** Throws if it has failed, so that the benchmark stops instead of waiting for results that will not come. */
    void checkAlive() throws Exception;

    /** The job's step counters now; null for a system without a model (the Kafka copy). */
    default StepCostReporter.StepCounts stepCounts() {
        return null;
    }

    @Override
    void close() throws Exception;
}
