package io.footfall.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The embedded default's key for browser session cookies, kept in the data directory: without a configured
 * {@code quarkus.http.auth.session.encryption-key} Quarkus makes a random one at every start, so every restart signed
 * every operator out. Made once (32 random bytes, Base64, readable by the owner only) and read at every start after.
 */
final class SessionKeyFile {

    static final String NAME = "session.key";
    private static final int MIN_LENGTH = 16;

    private SessionKeyFile() {
    }

    /** The key stored in {@code dataDir}, made there first if there is none. */
    static String keyIn(Path dataDir) throws IOException {
        Path file = dataDir.resolve(NAME);
        if (!Files.exists(file)) {
            Files.createDirectories(dataDir);
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = Base64.getEncoder().encodeToString(random);
            try {
                create(file, key);
                return key;
            } catch (FileAlreadyExistsException raced) {
                // another start made it meanwhile: use theirs
            }
        }
        String key = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (key.length() < MIN_LENGTH) {
            throw new IllegalStateException(file + " holds a session key shorter than " + MIN_LENGTH
                    + " characters; delete the file to have a new one made (signs everybody out)");
        }
        return key;
    }

    private static void create(Path file, String key) throws IOException {
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
