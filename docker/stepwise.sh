#!/usr/bin/env bash
# The stepwise command line inside the image: its jar, the jobs jar, the command line's libraries and Flink's
# lib folder (Flink itself, ND4J, Stepwise's libraries), with the JVM flags ND4J and the LSTM
# kernels need (README, "Running").
exec java --add-modules jdk.incubator.vector \
  -Dorg.bytedeco.javacpp.nopointergc=true \
  -Dorg.bytedeco.javacpp.cachedir=/opt/stepwise/javacpp-cache \
  -Dlog4j.configurationFile=/opt/flink/conf/log4j-cli.properties \
  ${STEPWISE_JAVA_OPTS:-} \
  -cp "/opt/stepwise/cli.jar:/opt/stepwise/jobs.jar:/opt/stepwise/lib/*:/opt/flink/lib/*" io.stepwise.cli.Stepwise "$@"
