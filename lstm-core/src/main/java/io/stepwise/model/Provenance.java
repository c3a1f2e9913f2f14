package io.stepwise.model;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Provenance entries derived from a settings record, one per component under its snake_case name
 * ({@code hiddenSize} becomes {@code hidden_size}), so that what a model records of how it was
 * trained is never listed by hand and never falls behind the settings. Enums are written by name,
 * durations in seconds; nested settings records become nested maps.
 */
public final class Provenance {

    private Provenance() {
    }

    public static Map<String, Object> of(Record settings) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : settings.getClass().getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(settings);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + settings.getClass().getSimpleName(), e);
            }
            m.put(snakeCase(c.getName()), written(value));
        }
        return m;
    }

    private static Object written(Object value) {
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        if (value instanceof Duration d) {
            return d.toMillis() / 1000.0;
        }
        if (value instanceof Record r) {
            return of(r);
        }
        return value;
    }

    static String snakeCase(String camel) {
        StringBuilder s = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                s.append('_').append(Character.toLowerCase(ch));
            } else {
                s.append(ch);
            }
        }
        return s.toString();
    }
}
