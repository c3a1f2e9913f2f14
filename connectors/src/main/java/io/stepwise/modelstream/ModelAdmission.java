package io.stepwise.modelstream;

import io.stepwise.model.ModelLimits;
import io.stepwise.wire.ModelAnnouncement;
import java.io.Serializable;

/**
 * What an announced model version must pass before its file is fetched and read: a signature by one
 * of the {@code trustedKeys} (when there are any), a {@code uri} inside one of the allowed
 * {@code locations} (inline files need none), and the {@code limits} on the file and the model it
 * describes. Checked in that order by {@link ModelVersionLoader#load}, so that nothing unsigned is
 * fetched and nothing unchecked is read.
 *
 * @param trustedKeys the keys whose signatures are accepted; null: versions are not authenticated
 * @param locations   the folders files may be fetched from
 * @param limits      the caps on the file and its model
 */
public record ModelAdmission(TrustedKeys trustedKeys, ModelLocations locations, ModelLimits limits) implements Serializable {

    public ModelAdmission {
        if (locations == null || limits == null) {
            throw new IllegalArgumentException("model locations and limits are needed (ModelLocations.NONE: inline files only)");
        }
    }

    /** No signature needed, inline files only, the default limits. */
    public static ModelAdmission defaults() {
        return new ModelAdmission(null, ModelLocations.NONE, ModelLimits.DEFAULTS);
    }

    /** Whether versions must be signed by a trusted key. */
    public boolean authenticated() {
        return trustedKeys != null;
    }

    /** Why {@code a} is refused before its file is fetched, or null when it may be fetched and read. */
    public String refusal(ModelAnnouncement a) {
        if (trustedKeys != null) {
            String r = ModelSignatures.refusal(a, trustedKeys);
            if (r != null) {
                return r;
            }
        }
        if (a.uri() != null) {
            return locations.refusal(a.uri());
        }
        // base64: 4 characters for every 3 bytes
        long bytes = a.inline().length() / 4 * 3;
        if (bytes > limits.maxFileBytes()) {
            return "model " + a.model() + " v" + a.version() + ": the inline file has about " + bytes
                    + " bytes, more than the limit of " + limits.maxFileBytes() + " (--max-model-bytes)";
        }
        return null;
    }
}
