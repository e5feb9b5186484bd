import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One report file being written: a bounded buffer in front of `write(2)`, a SHA-256 over every
/// byte, and an atomic publish.
///
/// Bytes go to a hidden temporary file next to the final one; `publish()` renames it into place,
/// so a reader (or a failed run) never sees half a report and a re-run replaces the old file in
/// one step. Not thread-safe: one report run writes its files on one thread.
final class OutputFile {
    let finalPath: String
    let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    private(set) var bytesWritten = 0
    private var digest: String?

    /// Creates the temporary file (mode 0644) in the final file's folder.
    init(directory: String, name: String) throws(ReportError) {
        finalPath = directory + "/" + name
        temporaryPath = directory + "/." + name + ".\(getpid()).tmp"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .outputNotWritable(path: finalPath, reason: Self.lastError()) }
        buffer.reserveCapacity(ReportLimits.fileBufferBytes)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// The file's name without its folder.
    var name: String { String(finalPath.split(separator: "/").last ?? "") }

    func append(_ text: String) throws(ReportError) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= ReportLimits.fileBufferBytes { try flush() }
    }

    func append(byte: UInt8) throws(ReportError) {
        buffer.append(byte)
        if buffer.count >= ReportLimits.fileBufferBytes { try flush() }
    }

    /// Appends raw bytes without a flush check; callers follow with `append` or `flushIfFull`.
    func appendUnchecked<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    func flushIfFull() throws(ReportError) {
        if buffer.count >= ReportLimits.fileBufferBytes { try flush() }
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
        guard !buffer.isEmpty else { return }
        let failure: Int32? = buffer.withUnsafeBytes { bytes in
            hasher.update(bufferPointer: bytes)
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .outputFailed(path: finalPath, reason: String(cString: strerror(failure))) }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
