/// Base58 with the Bitcoin alphabet, the encoding of Solana addresses, secret keys and
/// signatures. Inputs are bounded by their callers (keys and signatures of at most 64 bytes), so
/// the quadratic big-number loop stays small.
public enum Base58 {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    static let inputBytesMax = 1024

    public static func encode(_ bytes: [UInt8]) -> String {
        precondition(bytes.count <= inputBytesMax, "Base58 input of \(bytes.count) bytes is over the limit")
        let leadingZeros = bytes.prefix { $0 == 0 }.count
        // Base-58 digits, least significant first.
        var digits: [UInt8] = []
        for byte in bytes.dropFirst(leadingZeros) {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let text = [UInt8](repeating: alphabet[0], count: leadingZeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of a Base58 string; nil when it holds a character outside the alphabet or is
    /// longer than the limit.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count <= inputBytesMax * 2 else { return nil }
        let leadingOnes = characters.prefix { $0 == alphabet[0] }.count
        // Base-256 digits, least significant first.
        var bytes: [UInt8] = []
        for character in characters.dropFirst(leadingOnes) {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            var carry = value
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: leadingOnes) + bytes.reversed()
    }
}
