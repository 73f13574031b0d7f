package dev.vinfer.flink;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Where each operator instance gets its model from. Flink serializes the operator into the job and deploys a
 * copy to every task slot, so the model must either travel inside the job or be readable by every task manager:
 * <ul>
 * <li>{@link #bytes}: the model file's bytes are part of the job itself (simple and always reachable; fine for
 *     models of a few tens of MB, which the job graph then carries to every task manager);</li>
 * <li>{@link #file}: a path or URI every task manager can read: a local path present on every machine (or a
 *     shared mount), or a Flink file system URI such as {@code hdfs://} or {@code s3://};</li>
 * <li>{@link #cachedFile}: a file registered with {@code env.registerCachedFile(uri, name)}, which Flink copies to
 *     each task manager before the tasks start.</li>
 * </ul>
 * Models with external data (weights in side files) need a local path ({@link #file} or {@link #cachedFile} of
 * a folder is not supported): the loader reads them next to the model file.
 */
public sealed interface ModelSource extends Serializable {

    /** A model carried in the job. */
    static ModelSource bytes(byte[] model) {
        return new Bytes(model.clone());
    }

    /** A model file read on the client and carried in the job. */
    static ModelSource bytesOf(Path model) throws IOException {
        return new Bytes(Files.readAllBytes(model));
    }

    /** A model every task manager reads from {@code pathOrUri} when its operator instances open. */
    static ModelSource file(String pathOrUri) {
        return new FileRef(pathOrUri);
    }

    /** A model shipped with Flink's distributed cache under {@code name}. */
    static ModelSource cachedFile(String name) {
        return new CachedFile(name);
    }

    /** Opens a session on the model; {@code context} is the operator's (for the distributed cache). */
    Session open(RuntimeContext context, SessionOptions options) throws IOException;

    /** For messages: where the model comes from. */
    String describe();

    /** The model's bytes, in the job. */
    record Bytes(byte[] model) implements ModelSource {
        @Override
        public Session open(RuntimeContext context, SessionOptions options) {
            return Vinfer.open(model, options);
        }

        @Override
        public String describe() {
            return "model bytes in the job (" + model.length + " bytes)";
        }
    }

    /** A local path or a Flink file system URI. */
    record FileRef(String pathOrUri) implements ModelSource {
        @Override
        public Session open(RuntimeContext context, SessionOptions options) throws IOException {
            org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(pathOrUri);
            String scheme = p.toUri().getScheme();
            if (scheme == null || scheme.equals("file")) {
                // A local file: the loader reads external data next to it and checks it stays in its folder.
                return Vinfer.open(Path.of(p.toUri().getPath()), options);
            }
            try (InputStream in = p.getFileSystem().open(p)) {
                return Vinfer.open(in, options);
            }
        }

        @Override
        public String describe() {
            return "model file " + pathOrUri;
        }
    }

    /** A file of the distributed cache. */
    record CachedFile(String name) implements ModelSource {
        @Override
        public Session open(RuntimeContext context, SessionOptions options) {
            File f = context.getDistributedCache().getFile(name);
            return Vinfer.open(f.toPath(), options);
        }

        @Override
        public String describe() {
            return "distributed-cache file '" + name + "'";
        }
    }
}
