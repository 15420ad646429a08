package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionKeyFileTest {

    @Test
    void madeOnceOwnerOnlyAndReadBackAtTheNextStart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("footfall-data");
        String first = SessionKeyFile.keyIn(data);
        Path file = data.resolve(SessionKeyFile.NAME);
        assertTrue(first.length() >= 32, first);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(first, SessionKeyFile.keyIn(data), "a restart reads the same key");
        assertNotEquals(first, SessionKeyFile.keyIn(dir.resolve("other")), "each data directory has its own random key");
    }

    @Test
    void aTruncatedKeyIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(SessionKeyFile.NAME), "short\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SessionKeyFile.keyIn(dir));
        assertTrue(e.getMessage().contains(SessionKeyFile.NAME), e.getMessage());
    }
}
