#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File-system steps around the database file that SQLite does not take itself.
enum DatabaseFile {
    /// Creates an empty file at `path` readable and writable by the owner only (0600), unless
    /// one exists already (then it is left as it is).
    ///
    /// SQLite would create the file 0644 (less the umask); its `-wal` and `-shm` files copy the
    /// database file's mode, so creating it first with 0600 keeps all three private.
    static func createPrivateFileIfMissing(path: String) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            _ = close(descriptor)
            return
        }
        let error = errno
        guard error == EEXIST else {
            throw StoreError(.unavailable, "database file could not be created", engineCode: error)
        }
    }
}
