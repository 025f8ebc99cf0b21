/// A seeded generator (SplitMix64): a case is reproduced from its format, seed and index alone.
struct FuzzRandom {
  var state: UInt64

  init(seed: UInt64, format: Int, index: Int) {
    state = seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(format) &* 0xBF58_476D_1CE4_E5B9 ^ UInt64(index) &* 0x94D0_49BB_1331_11EB
    _ = next()
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A value in 0..<n (n >= 1); the small modulo bias does not matter for fuzzing.
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

/// Mutations of a seed file, chosen to reach the size, range and syntax checks of every reader:
/// bit flips, interesting bytes, numbers replaced by limits (2^32, Int.max, 1e308, -1, 257...),
/// deletions, duplications, truncations, 32-bit words of binary records set to extremes.
enum Mutator {
  static let numbers = [
    "0", "-1", "1", "2", "3", "4", "15", "16", "255", "256", "257", "783", "784", "4095", "4096", "65535", "65536", "1000000000",
    "2147483647", "2147483648", "2147483676", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "1e10", "1e300", "1e308", "1e309", "-1e308", "0.5", "1.5", "-0", "1e-300", "NaN", "\"\"", "null",
    "true", "[]", "{}",
  ]
  static let bytes: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x22, 0x2C, 0x5B, 0x5D, 0x7B, 0x7D, 0x2D, 0x30, 0x39, 0x0A, 0x0D, 0x65, 0x1B, 0x07, 0xC3, 0xEF]
  static let words: [UInt32] = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFE, 256, 4096, 65536]

  /// One to four mutations of `seed`; the result stays under `limit` bytes.
  static func mutate(_ seed: [UInt8], _ g: inout FuzzRandom, limit: Int) -> [UInt8] {
    var b = seed
    for _ in 0..<(1 + g.below(4)) {
      switch g.below(9) {
      case 0 where !b.isEmpty:
        b[g.below(b.count)] ^= UInt8(1 << g.below(8))
      case 1 where !b.isEmpty:
        b[g.below(b.count)] = bytes[g.below(bytes.count)]
      case 2, 3:
        replaceNumber(&b, &g)
      case 4 where !b.isEmpty:
        let at = g.below(b.count)
        b.removeSubrange(at..<min(b.count, at + 1 + g.below(16)))
      case 5 where !b.isEmpty:
        let at = g.below(b.count)
        let piece = Array(b[at..<min(b.count, at + 1 + g.below(64))])
        b.insert(contentsOf: piece, at: g.below(b.count + 1))
      case 6 where !b.isEmpty:
        b.removeSubrange(g.below(b.count)...)
      case 7 where b.count >= 4:
        let at = g.below(b.count / 4) * 4
        let w = words[g.below(words.count)]
        for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: w >> (8 * UInt32(k))) }
      default:
        let insert = (0..<(1 + g.below(8))).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        b.insert(contentsOf: insert, at: g.below(b.count + 1))
      }
    }
    return b.count > limit ? Array(b[0..<limit]) : b
  }

  /// Replaces a run of digits (with its sign) by one of `numbers`.
  static func replaceNumber(_ b: inout [UInt8], _ g: inout FuzzRandom) {
    let digit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
    guard !b.isEmpty else { return }
    var at = g.below(b.count)
    var tries = 0
    while !digit(b[at]) && tries < b.count {
      at = (at + 1) % b.count
      tries += 1
    }
    guard digit(b[at]) else { return }
    var start = at
    while start > 0 && (digit(b[start - 1]) || b[start - 1] == 0x2D || b[start - 1] == 0x2E) { start -= 1 }
    var end = at
    while end < b.count && (digit(b[end]) || b[end] == 0x2E || b[end] == 0x65 || b[end] == 0x2B) { end += 1 }
    b.replaceSubrange(start..<end, with: Array(numbers[g.below(numbers.count)].utf8))
  }
}
