package io.stepwise.catalogue;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What every catalogue's job run shares. */
final class Catalogue {

    private Catalogue() {
    }

    /**
     * The test cluster's environment at {@code parallelism}, without restarts: bad input must never
     * fail a job, so a failure ends the run at once with its cause instead of restarting into it again.
     */
    static StreamExecutionEnvironment environment(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(conf);
        env.setParallelism(parallelism);
        return env;
    }
}
