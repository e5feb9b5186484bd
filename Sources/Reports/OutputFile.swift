import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One report file being written: a fixed buffer in front of `write(2)`, a SHA-256 over every
/// byte, and an atomic publish.
///
/// Bytes go to a hidden temporary file next to the final one; `publish()` renames it into place,
/// so a reader (or a failed run) never sees half a report and a re-run replaces the old file in
/// one step. Reports hold per-user spend, so the temporary file is created mode 0600 (the
/// umask can only narrow it) with `O_CREAT|O_EXCL|O_NOFOLLOW`: it is always a new file of this
/// process, never a link or a file someone placed there; the rename then replaces whatever
/// has the final name (a link included) without following it. Not thread-safe: one report
/// run writes its files on one thread.
final class OutputFile {
    let finalPath: String
    let temporaryPath: String
    private var descriptor: Int32
    /// The write buffer, allocated once. It and `buffered` are reached through `let` pointers so
    /// the per-byte path pays no dynamic exclusivity check (class `var`s would).
    private let buffer: UnsafeMutableRawBufferPointer
    /// Bytes waiting in `buffer`.
    private let buffered: UnsafeMutablePointer<Int>
    private var hasher = SHA256()
    private(set) var bytesWritten = 0
    private var digest: String?

    /// Creates the temporary file (mode 0600, exclusively) in the final file's folder.
    init(directory: String, name: String, temporaryPath: String? = nil) throws(ReportError) {
        finalPath = directory + "/" + name
        self.temporaryPath =
            temporaryPath ?? directory + "/." + name + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        descriptor = open(self.temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        buffer = .allocate(byteCount: ReportLimits.fileBufferBytes, alignment: 16)
        buffered = .allocate(capacity: 1)
        buffered.initialize(to: 0)
        guard descriptor >= 0 else { throw .outputNotWritable(path: finalPath, reason: Self.lastError()) }
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
        buffer.deallocate()
        buffered.deallocate()
    }

    /// The file's name without its folder.
    var name: String { String(finalPath.split(separator: "/").last ?? "") }

    func append(byte: UInt8) throws(ReportError) {
        if buffered.pointee == buffer.count { try flush() }
        buffer[buffered.pointee] = byte
        buffered.pointee += 1
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(ReportError) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if bytes.count > buffer.count - buffered.pointee {
            try flush()
            if bytes.count > buffer.count {
                try writeOut(bytes)
                return
            }
        }
        (buffer.baseAddress! + buffered.pointee).copyMemory(from: source, byteCount: bytes.count)
        buffered.pointee += bytes.count
    }

    func append(_ text: String) throws(ReportError) {
        var text = text
        let failure = text.withUTF8 { utf8 -> ReportError? in
            do throws(ReportError) {
                try append(UnsafeRawBufferPointer(utf8))
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Writes out the buffer and fsyncs, then returns the size and SHA-256 (hex). The file keeps
    /// its temporary name until `publish()`.
    func finish() throws(ReportError) -> (bytes: Int, sha256: String) {
        if let digest { return (bytesWritten, digest) }
        try flush()
        guard fsync(descriptor) == 0 else { throw .outputFailed(path: finalPath, reason: Self.lastError()) }
        let finished = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        digest = finished
        return (bytesWritten, finished)
    }

    /// Renames the finished file into place, replacing an older report of the same name.
    func publish() throws(ReportError) {
        precondition(digest != nil, "publish() before finish()")
        guard close(descriptor) == 0 else { throw .outputFailed(path: finalPath, reason: Self.lastError()) }
        descriptor = -1
        guard rename(temporaryPath, finalPath) == 0 else {
            let reason = Self.lastError()
            unlink(temporaryPath)
            throw .outputFailed(path: finalPath, reason: reason)
        }
    }

    private func flush() throws(ReportError) {
        let count = buffered.pointee
        guard count > 0 else { return }
        try writeOut(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        buffered.pointee = 0
    }

    /// Hashes and writes bytes, retrying short writes and EINTR.
    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws(ReportError) {
        hasher.update(bufferPointer: bytes)
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .outputFailed(path: finalPath, reason: Self.lastError())
            }
            offset += written
        }
        bytesWritten += bytes.count
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
