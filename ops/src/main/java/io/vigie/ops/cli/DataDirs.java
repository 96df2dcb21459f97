package io.vigie.ops.cli;

import io.vigie.ops.config.ConfigLoader;

import java.nio.file.Path;

/** Where the journals are: {@code --data}, else the configuration's {@code data_dir}, else {@code ./data}. */
final class DataDirs {
    private DataDirs() {
    }

    static Path resolve(final Path data, final Path config) {
        if (data != null) {
            return data;
        }
        return ConfigLoader.load(config).dataDir;
    }
}
