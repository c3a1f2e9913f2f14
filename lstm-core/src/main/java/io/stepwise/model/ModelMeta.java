package io.stepwise.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who a model version is: its name, its version number and its provenance (the data, trainer
 * settings, seed, Java version and OS it was trained with; floating-point results can differ
 * across platforms, so a model says where it came from).
 */
public record ModelMeta(String name, int version, Map<String, Object> provenance) {

    public ModelMeta {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a model needs a name");
        }
        if (version < 1) {
            throw new IllegalArgumentException("model versions start at 1, got " + version);
        }
        provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    public ModelMeta withVersion(String newName, int newVersion) {
        return new ModelMeta(newName, newVersion, provenance);
    }

    /** Provenance entries about the platform, added to whatever the trainer records. */
    public static Map<String, Object> platform() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("java_version", System.getProperty("java.version"));
        m.put("java_vendor", System.getProperty("java.vendor"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("created", java.time.Instant.now().toString());
        return m;
    }
}
