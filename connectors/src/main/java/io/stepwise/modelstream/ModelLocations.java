package io.stepwise.modelstream;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The folders an announced model file may be fetched from ({@code --model-uri-allow}): each a URI
 * of a folder ({@code file:///var/lib/stepwise/models/}, {@code s3://bucket/models/}); a local path
 * stands for its {@code file:} URI. An announced {@code uri} is allowed when, normalized, it lies
 * inside one of them: the same scheme and authority, a path under the folder's, no {@code ..}
 * segment; a local file must also stay inside once symbolic links are resolved. Anything else,
 * {@code file:///etc/passwd} say, is refused before it is opened. Inline announcements need no
 * location.
 */
public final class ModelLocations implements Serializable {

    private static final long serialVersionUID = 1L;

    /** No location: only inline announcements. */
    public static final ModelLocations NONE = new ModelLocations(List.of());

    private final List<String> folders;

    private ModelLocations(List<String> folders) {
        this.folders = List.copyOf(folders);
    }

    /** The folders {@code prefixes} name: URIs with a scheme, or local paths. */
    public static ModelLocations of(List<String> prefixes) {
        List<String> out = new ArrayList<>();
        for (String p : prefixes) {
            String f = folder(p);
            if (!out.contains(f)) {
                out.add(f);
            }
        }
        return new ModelLocations(out);
    }

    /** The folder {@code prefix} names, as a normalized URI ending with {@code /}. */
    static String folder(String prefix) {
        String p = prefix.trim();
        URI u;
        try {
            u = p.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && !p.matches("^[A-Za-z]:\\\\.*") ? new URI(p)
                    : Path.of(p).toAbsolutePath().normalize().toUri();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalArgumentException("--model-uri-allow '" + prefix + "' is neither a URI nor a path: " + e.getMessage());
        }
        if (u.isOpaque() || u.getPath() == null || !u.getPath().startsWith("/")) {
            throw new IllegalArgumentException("--model-uri-allow '" + prefix + "' must be an absolute folder URI such as file:///var/lib/models/");
        }
        u = u.normalize();
        String path = u.getPath().endsWith("/") ? u.getPath() : u.getPath() + "/";
        if (path.contains("/../")) {
            throw new IllegalArgumentException("--model-uri-allow '" + prefix + "' climbs out of the root with '..'");
        }
        try {
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            String authority = authority(u);
            // file:///x rather than file:/x: the form the wire format documents
            return new URI(scheme, authority == null && scheme.equals("file") ? "" : authority, path, null, null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--model-uri-allow '" + prefix + "': " + e.getMessage());
        }
    }

    /** The allowed folders, as normalized URIs ending with {@code /}. */
    public List<String> folders() {
        return folders;
    }

    public boolean isEmpty() {
        return folders.isEmpty();
    }

    /** Why {@code uri} may not be fetched, or null when it lies in an allowed folder. */
    public String refusal(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            return "model URI '" + uri + "' is not a URI: " + e.getMessage();
        }
        if (!u.isAbsolute() || u.isOpaque() || u.getPath() == null) {
            return "model URI '" + uri + "' is not an absolute URI with a path";
        }
        String path = u.normalize().getPath();
        if (path.equals("..") || path.startsWith("../") || path.contains("/../") || path.endsWith("/..")) {
            return "model URI '" + uri + "' climbs out of its folder with '..'";
        }
        if (folders.isEmpty()) {
            return "model URI " + uri + " is not allowed: this job allows no model locations (allow a folder with "
                    + "--model-uri-allow, serve from the folder of --model, or announce the file inline)";
        }
        for (String f : folders) {
            URI folder = URI.create(f);
            if (folder.getScheme().equalsIgnoreCase(u.getScheme()) && Objects.equals(authority(folder), authority(u))
                    && path.startsWith(folder.getPath())) {
                return "file".equalsIgnoreCase(u.getScheme()) ? linkRefusal(uri, path, folder) : null;
            }
        }
        return "model URI " + uri + " is outside the allowed model locations " + folders + " (--model-uri-allow)";
    }

    /** A local file inside the folder by name must stay inside once symbolic links are resolved. */
    private static String linkRefusal(String uri, String path, URI folder) {
        Path file = Path.of(path);
        if (!Files.exists(file)) {
            return null; // fetching it says it does not exist
        }
        try {
            Path real = file.toRealPath();
            Path realFolder = Path.of(folder.getPath()).toRealPath();
            return real.startsWith(realFolder) ? null
                    : "model URI " + uri + " leads through a symbolic link to " + real + ", outside the allowed folder " + folder;
        } catch (IOException e) {
            return "model URI " + uri + " cannot be resolved: " + e.getMessage();
        }
    }

    /** A URI's authority, with the empty one of {@code file:///x} the same as none. */
    private static String authority(URI u) {
        String a = u.getRawAuthority();
        return a == null || a.isEmpty() ? null : a.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelLocations l && l.folders.equals(folders);
    }

    @Override
    public int hashCode() {
        return folders.hashCode();
    }

    @Override
    public String toString() {
        return folders.toString();
    }
}
