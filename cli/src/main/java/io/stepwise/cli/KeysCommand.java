package io.stepwise.cli;

import io.stepwise.modelstream.SigningKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stepwise keys}: the keys that sign model versions. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        header = "Makes the Ed25519 key pair that signs model versions.",
        subcommands = {KeysCommand.Generate.class})
public final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            header = "Generates an Ed25519 key pair for signing model versions.",
            description = {
                "Writes DIR/" + SigningKey.PRIVATE_FILE + " (the private key, PKCS#8 PEM, followed by its public key;",
                "readable by its owner only) for `run train --signing-key` and `publish --signing-key`, and",
                "DIR/" + SigningKey.PUBLIC_FILE + " (X.509 PEM) for `run infer --trusted-keys`, then prints the key",
                "id: the SHA-256 of the public key, which every signature names. Existing files are never",
                "replaced. To rotate keys, generate a new pair elsewhere and give the inference jobs a",
                "--trusted-keys file holding both public keys until the old one signs no more. docs/signing.md",
                "has the formats and the signed message."})
    static final class Generate implements Callable<Integer> {

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder the two key files go to (created if need be).")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SigningKey key = SigningKey.writeNew(out);
            PrintWriter w = spec.commandLine().getOut();
            w.println("key id: " + key.keyId());
            w.println("private key: " + out.resolve(SigningKey.PRIVATE_FILE) + " (owner only: run train --signing-key, publish --signing-key)");
            w.println("public key: " + out.resolve(SigningKey.PUBLIC_FILE) + " (run infer --trusted-keys)");
            w.flush();
            return 0;
        }
    }
}
