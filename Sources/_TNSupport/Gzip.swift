/// gzip files (RFC 1952) and the DEFLATE data inside them (RFC 1951), decompressed.
///
/// tnsim reads network files compressed with `gzip` as they are; it never writes gzip. One or
/// more members (`cat a.gz b.gz`) are read in turn; each member's CRC-32 and length are checked.
public enum Gzip {
  /// The two bytes every gzip file starts with.
  public static let magic: [UInt8] = [0x1f, 0x8b]

  /// The most a file may decompress to (256 MiB): 37 times the largest shipped network, and a
  /// bound on what a small hostile file can make tnsim allocate (DEFLATE expands up to 1032-fold),
  /// inside the 1 GiB a file may cost to read (docs/robustness.md).
  public static let largestOutput = 1 << 28

  /// Whether `bytes` start like a gzip file.
  public static func isCompressed(_ bytes: some Collection<UInt8>) -> Bool {
    bytes.starts(with: magic)
  }

  /// The decompressed contents of the gzip file `bytes`.
  /// - Throws: `InputError` naming `file`, the byte offset and what is wrong: a bad header, a
  ///   malformed or truncated DEFLATE stream, a CRC-32 or length that does not match, bytes after
  ///   the last member, or more than `largestOutput` bytes.
  public static func decompress(_ bytes: [UInt8], file: String) throws(InputError) -> [UInt8] {
    var output: [UInt8] = []
    // The last member's length (its last 4 bytes) sizes the output once, when it is in bounds.
    if bytes.count >= 4 {
      let length = bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
      output.reserveCapacity(min(length, largestOutput))
    }
    var offset = 0
    repeat {
      offset = try member(bytes, at: offset, file: file, appendingTo: &output)
      // gzip itself ignores zero padding after the last member (tape blocks); so do we.
      if bytes[offset...].allSatisfy({ $0 == 0 }) { break }
      guard isCompressed(bytes[offset...]) else {
        throw InputError(file: file, message: "gzip: byte \(offset): \(bytes.count - offset) bytes after the compressed data that are not another gzip member")
      }
    } while true
    return output
  }

  /// Reads the member at `start`, appends its contents and returns the offset after it.
  static func member(_ bytes: [UInt8], at start: Int, file: String, appendingTo output: inout [UInt8]) throws(InputError) -> Int {
    func fail(_ at: Int, _ what: String) -> InputError { InputError(file: file, message: "gzip: byte \(at): \(what)") }
    guard bytes.count - start >= 18 else { throw fail(start, "truncated: a gzip member needs at least 18 bytes") }
    guard isCompressed(bytes[start...]) else { throw fail(start, "not a gzip member (it must start with 1f 8b)") }
    guard bytes[start + 2] == 8 else { throw fail(start + 2, "compression method \(bytes[start + 2]); only 8 (deflate) exists") }
    let flags = bytes[start + 3]
    guard flags & 0xe0 == 0 else { throw fail(start + 3, "reserved header flags are set (\(flags))") }
    var p = start + 10
    if flags & 4 != 0 {  // FEXTRA: a length and that many bytes
      guard p + 2 <= bytes.count else { throw fail(p, "truncated in the header's extra field") }
      p += 2 + Int(bytes[p]) + Int(bytes[p + 1]) << 8
    }
    for flag: UInt8 in [8, 16] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
      while p < bytes.count && bytes[p] != 0 { p += 1 }
      p += 1
    }
    if flags & 2 != 0 { p += 2 }  // FHCRC
    guard p < bytes.count else { throw fail(min(p, bytes.count), "truncated in the header") }
    let first = output.count
    var inflater = Inflater(bytes, at: p, file: file)
    try inflater.run(into: &output)
    let end = inflater.byteOffset
    guard end + 8 <= bytes.count else { throw fail(end, "truncated: the CRC-32 and length after the compressed data are missing") }
    func word(_ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
    let crc = CRC32.checksum(output[first...])
    guard word(end) == crc else { throw fail(end, "CRC-32 is \(hex(word(end))) but the data's is \(hex(crc)): the file is corrupt") }
    let length = UInt32(truncatingIfNeeded: output.count - first)
    guard word(end + 4) == length else { throw fail(end + 4, "length is \(word(end + 4)) but \(length) bytes were decompressed") }
    return end + 8
  }

  static func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
  }
}

/// The CRC-32 of gzip and zlib (reflected polynomial 0xedb88320).
enum CRC32 {
  static let table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var c: UInt32 = 0xffff_ffff
    table.withUnsafeBufferPointer { t in
      for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
    }
    return c ^ 0xffff_ffff
  }
}

/// A canonical Huffman code as a lookup table indexed by the next `bits` bits of the stream
/// (least significant first): each entry is `symbol << 4 | length`, 0 for bit patterns no code
/// starts with (an incomplete code).
struct HuffmanTable {
  var entries: [UInt32]
  var bits: Int

  /// The code of the given code lengths (0 = symbol unused), or nil when the lengths are
  /// over-subscribed, or incomplete where `incompleteAllowed` is false.
  init?(lengths: ArraySlice<UInt8>, incompleteAllowed: Bool) {
    var count = [Int](repeating: 0, count: 16)
    for l in lengths { count[Int(l)] += 1 }
    count[0] = 0
    var left = 1
    for l in 1...15 {
      left = left << 1 - count[l]
      if left < 0 { return nil }
    }
    let used = lengths.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
    // A code with one symbol is incomplete by nature; DEFLATE allows it (and no symbols) for distances.
    if left > 0 && !(incompleteAllowed || used <= 1) { return nil }
    bits = max(1, Int(lengths.max() ?? 0))
    entries = [UInt32](repeating: 0, count: 1 << bits)
    var next = [Int](repeating: 0, count: 16)
    var code = 0
    for l in 1...15 {
      code = (code + count[l - 1]) << 1
      next[l] = code
    }
    for (i, l8) in lengths.enumerated() where l8 != 0 {
      let l = Int(l8)
      let c = next[l]
      next[l] += 1
      var reversed = 0
      for b in 0..<l where c & (1 << b) != 0 { reversed |= 1 << (l - 1 - b) }
      let entry = UInt32(i) << 4 | UInt32(l)
      var k = reversed
      while k < entries.count {
        entries[k] = entry
        k += 1 << l
      }
    }
  }
}

/// The DEFLATE decoder: blocks of stored, fixed-code and dynamic-code data until the final one.
struct Inflater {
  let bytes: [UInt8]
  let file: String
  var position: Int
  var buffer: UInt64 = 0
  var available = 0

  init(_ bytes: [UInt8], at start: Int, file: String) {
    self.bytes = bytes
    self.file = file
    position = start
  }

  /// The offset of the first byte not consumed (after `run`, the stream ends on a byte boundary).
  var byteOffset: Int { position - available / 8 }

  func fail(_ what: String) -> InputError { InputError(file: file, message: "gzip: byte \(byteOffset): \(what)") }

  mutating func refill() {
    while available <= 56 && position < bytes.count {
      buffer |= UInt64(bytes[position]) << UInt64(available)
      position += 1
      available += 8
    }
  }

  mutating func take(_ n: Int) throws(InputError) -> Int {
    if available < n { refill() }
    guard available >= n else { throw fail("truncated: the compressed data ends early") }
    let v = Int(buffer & ((1 << UInt64(n)) - 1))
    buffer >>= UInt64(n)
    available -= n
    return v
  }

  mutating func decode(_ table: HuffmanTable) throws(InputError) -> Int {
    if available < table.bits { refill() }
    let entry = table.entries[Int(buffer & ((1 << UInt64(table.bits)) - 1))]
    let length = Int(entry & 15)
    guard length != 0 else { throw fail("a bit pattern that no Huffman code of the block starts with") }
    guard length <= available else { throw fail("truncated: the compressed data ends early") }
    buffer >>= UInt64(length)
    available -= length
    return Int(entry >> 4)
  }

  static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
  static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
  static let distanceBase: [Int] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193,
    12289, 16385, 24577,
  ]
  static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
  /// The order in which a dynamic block lists the code lengths of the code-length code.
  static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

  static let fixedLiterals = HuffmanTable(
    lengths: ArraySlice([UInt8](repeating: 8, count: 144) + [UInt8](repeating: 9, count: 112) + [UInt8](repeating: 7, count: 24) + [UInt8](repeating: 8, count: 8)),
    incompleteAllowed: false)!
  static let fixedDistances = HuffmanTable(lengths: ArraySlice([UInt8](repeating: 5, count: 30)), incompleteAllowed: true)!

  /// Decodes every block, appending to `output`, and leaves the reader on the byte after the last.
  mutating func run(into output: inout [UInt8]) throws(InputError) {
    var final = false
    while !final {
      final = try take(1) == 1
      switch try take(2) {
      case 0: try stored(into: &output)
      case 1: try codes(Self.fixedLiterals, Self.fixedDistances, into: &output)
      case 2:
        let (literals, distances) = try dynamicTables()
        try codes(literals, distances, into: &output)
      default: throw fail("block type 3, which DEFLATE reserves")
      }
    }
    let partial = available % 8
    buffer >>= UInt64(partial)
    available -= partial
  }

  mutating func stored(into output: inout [UInt8]) throws(InputError) {
    let partial = available % 8
    buffer >>= UInt64(partial)
    available -= partial
    let length = try take(16)
    guard try take(16) == length ^ 0xffff else { throw fail("a stored block's length and its complement disagree") }
    guard output.count + length <= Gzip.largestOutput else { throw fail("decompresses to more than \(Gzip.largestOutput) bytes") }
    for _ in 0..<length { output.append(UInt8(try take(8))) }
  }

  mutating func dynamicTables() throws(InputError) -> (HuffmanTable, HuffmanTable) {
    let literalCount = try take(5) + 257
    let distanceCount = try take(5) + 1
    let codeLengthCount = try take(4) + 4
    guard literalCount <= 286, distanceCount <= 30 else { throw fail("a dynamic block with \(literalCount) literal/length and \(distanceCount) distance codes (at most 286 and 30)") }
    var codeLengthLengths = [UInt8](repeating: 0, count: 19)
    for i in 0..<codeLengthCount { codeLengthLengths[Self.codeLengthOrder[i]] = UInt8(try take(3)) }
    guard let codeLengthCode = HuffmanTable(lengths: codeLengthLengths[...], incompleteAllowed: false) else {
      throw fail("a dynamic block's code-length code is not a valid Huffman code")
    }
    var lengths: [UInt8] = []
    lengths.reserveCapacity(literalCount + distanceCount)
    while lengths.count < literalCount + distanceCount {
      let symbol = try decode(codeLengthCode)
      var value: UInt8 = 0
      var repeats = 1
      switch symbol {
      case 0...15: value = UInt8(symbol)
      case 16:
        guard let previous = lengths.last else { throw fail("a dynamic block repeats a code length before the first") }
        value = previous
        repeats = 3 + (try take(2))
      case 17: repeats = 3 + (try take(3))
      default: repeats = 11 + (try take(7))
      }
      guard lengths.count + repeats <= literalCount + distanceCount else { throw fail("a dynamic block's code lengths run past their count") }
      lengths += repeatElement(value, count: repeats)
    }
    guard lengths[256] != 0 else { throw fail("a dynamic block without an end-of-block code") }
    guard let literals = HuffmanTable(lengths: lengths[..<literalCount], incompleteAllowed: false),
      let distances = HuffmanTable(lengths: lengths[literalCount...], incompleteAllowed: false)
    else { throw fail("a dynamic block's literal/length or distance code is not a valid Huffman code") }
    return (literals, distances)
  }

  mutating func codes(_ literals: HuffmanTable, _ distances: HuffmanTable, into output: inout [UInt8]) throws(InputError) {
    while true {
      let symbol = try decode(literals)
      if symbol < 256 {
        guard output.count < Gzip.largestOutput else { throw fail("decompresses to more than \(Gzip.largestOutput) bytes") }
        output.append(UInt8(symbol))
        continue
      }
      if symbol == 256 { return }
      let l = symbol - 257
      guard l < 29 else { throw fail("length code \(symbol), which DEFLATE does not define") }
      let length = Self.lengthBase[l] + (try take(Self.lengthExtra[l]))
      let d = try decode(distances)
      guard d < 30 else { throw fail("distance code \(d), which DEFLATE does not define") }
      let distance = Self.distanceBase[d] + (try take(Self.distanceExtra[d]))
      guard distance <= output.count else { throw fail("a match \(distance) bytes back, before the start of the data") }
      guard output.count + length <= Gzip.largestOutput else { throw fail("decompresses to more than \(Gzip.largestOutput) bytes") }
      var from = output.count - distance
      for _ in 0..<length {
        output.append(output[from])
        from += 1
      }
    }
  }
}
