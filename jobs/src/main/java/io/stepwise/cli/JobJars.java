package io.stepwise.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The jars a job submitted to a Flink cluster ships with it: Stepwise's own modules and the
 * connectors, which a stock Flink distribution lacks. ND4J and the Vector API flags belong on the
 * cluster itself (its lib folder and env.java.opts): native libraries load once per TaskManager,
 * not once per job classloader.
 */
final class JobJars {

    private static final Pattern SHIPPED = Pattern.compile(
            "(lstm-core|connectors|jobs)-[0-9].*\\.jar|flink-connector-(kafka|base)-.*\\.jar|kafka-clients-.*\\.jar|jackson-(core|databind|annotations)-.*\\.jar");

    private JobJars() {
    }

    static String[] forCluster() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            File f = new File(entry);
            if (f.isFile() && SHIPPED.matcher(f.getName()).matches()) {
                jars.add(f.getAbsolutePath());
            }
        }
        if (jars.stream().noneMatch(j -> new File(j).getName().startsWith("jobs-"))) {
            throw new IllegalStateException("the jobs jar is not on the class path; run through ./stepwise, which builds it");
        }
        return jars.toArray(String[]::new);
    }
}
