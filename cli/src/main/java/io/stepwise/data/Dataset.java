package io.stepwise.data;

import java.util.List;

/**
 * A data set to fetch: where its files live, their SHA-256 (null: not checked, e.g. a licence
 * text), and the licence a user must honour.
 */
public record Dataset(String name, String folder, String baseUrl, List<DataFile> files, String licence) {

    public record DataFile(String name, String sha256) {
    }

    /** UD English EWT, release r2.16, train and dev splits (Universal Dependencies, CC BY-SA 4.0). */
    public static final Dataset UD_EWT = new Dataset("UD English EWT r2.16", "ud-english-ewt",
            "https://raw.githubusercontent.com/UniversalDependencies/UD_English-EWT/r2.16/",
            List.of(new DataFile("en_ewt-ud-train.conllu", "3fb78e2b55482c8ee00caa653af436c88c9e5bc9a73ce26e4ae3ddc79d2b7e7b"),
                    new DataFile("en_ewt-ud-dev.conllu", "531a54ff90d6ab12201c5a50c3e78e6ddac4de69abc4bce5d275d3cd29efe2b6"),
                    new DataFile("LICENSE.txt", null),
                    new DataFile("README.md", null)),
            "CC BY-SA 4.0 (Creative Commons Attribution-ShareAlike 4.0 International). Attribution and share-alike "
                    + "apply to these files and to anything derived from them, models trained on them included: "
                    + "credit \"UD English EWT, Universal Dependencies, CC BY-SA 4.0\" wherever such a model is described.");

    public Dataset withBaseUrl(String url) {
        return new Dataset(name, folder, url.endsWith("/") ? url : url + "/", files, licence);
    }
}
