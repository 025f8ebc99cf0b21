/// A pull reader over a JSON text: the caller asks for the value it expects next (a key, an
/// integer, a string's bytes, a bracket) and gets it, or nil when the text holds anything else,
/// so that a large file of a known shape is read value by value with no tree in memory.
///
/// It reports no errors: nil means "not the plain form asked for", and the caller then reads the
/// value as a tree (`node(depth:)`) or gives up and reads the whole text with `JSONCursor`,
/// which words the error with its file, line and path. What it accepts, it accepts with the value
/// `JSONNode.parse` gives (it shares `_JSONParser`'s position, line and whitespace rules).
///
/// Made only inside `read(_:_:)`, which lends it the bytes: it must not outlive that closure.
public struct JSONPullReader: ~Copyable {
  var parser: _JSONParser

  init(_ bytes: UnsafeBufferPointer<UInt8>) { parser = _JSONParser(bytes) }

  /// Runs `body` with a reader at the start of `bytes`.
  public static func read<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (inout JSONPullReader) -> T) -> T {
    var reader = JSONPullReader(bytes)
    return body(&reader)
  }

  /// The byte offset of the next byte to read.
  public var position: Int { parser.position }
  /// The 1-based line of the next byte to read.
  public var line: Int { parser.line }

  /// A place to come back to with `rewind(to:)`.
  public struct Mark: Sendable {
    let position: Int, line: Int, lineStart: Int
  }

  /// The place of the next byte.
  public var mark: Mark { Mark(position: parser.position, line: parser.line, lineStart: parser.lineStart) }

  /// Goes back to `mark` (to read a value again as a tree).
  public mutating func rewind(to mark: Mark) {
    parser.position = mark.position
    parser.line = mark.line
    parser.lineStart = mark.lineStart
  }

  /// Skips whitespace; true when the text has ended.
  public mutating func atEnd() -> Bool {
    parser.skipWhitespace()
    return parser.position == parser.bytes.count
  }

  /// Skips whitespace and consumes `byte` when it is next; false (nothing consumed but the
  /// whitespace) otherwise.
  @inline(__always)
  public mutating func consume(_ byte: UInt8) -> Bool {
    parser.skipWhitespace()
    guard parser.position < parser.bytes.count, parser.bytes[parser.position] == byte else { return false }
    parser.position += 1
    return true
  }

  /// Skips whitespace and returns the next byte without consuming it; nil at the end.
  @inline(__always)
  public mutating func peek() -> UInt8? {
    parser.skipWhitespace()
    return parser.position < parser.bytes.count ? parser.bytes[parser.position] : nil
  }

  /// Skips whitespace and reads `, ` or the closing `close`: true after a comma (another element
  /// follows), false after `close`, nil for anything else.
  @inline(__always)
  public mutating func separator(close: UInt8) -> Bool? {
    if consume(UInt8(ascii: ",")) { return true }
    if consume(close) { return false }
    return nil
  }

  /// Reads the array that comes next: `[`, then each element by `element` (which reads it from
  /// the reader it is given and returns false to reject it), separated by commas, then `]`.
  /// - Returns: whether the array was well formed and every element accepted (an empty array
  ///   calls `element` never).
  @inlinable @inline(__always)
  public mutating func elements(_ element: (inout JSONPullReader) -> Bool) -> Bool {
    guard consume(UInt8(ascii: "[")) else { return false }
    if consume(UInt8(ascii: "]")) { return true }
    while true {
      guard element(&self), let more = separator(close: UInt8(ascii: "]")) else { return false }
      if !more { return true }
    }
  }

  /// Reads the object that comes next: `{`, then each member whose key is one of `keys` by
  /// `member` (given the key's index in `keys`; it reads the value and returns false to reject
  /// it), separated by commas, then `}`. An empty object, a key outside `keys` or a key given
  /// twice rejects the object.
  /// - Returns: the keys present, bit k for `keys[k]`; nil for a rejected object.
  @inlinable @inline(__always)
  public mutating func members(in keys: Keys, _ member: (inout JSONPullReader, Int) -> Bool) -> UInt32? {
    guard consume(UInt8(ascii: "{")) else { return nil }
    var seen: UInt32 = 0
    while true {
      guard let key = key(in: keys), seen & (1 << key) == 0 else { return nil }
      seen |= 1 << key
      guard member(&self, key), let more = separator(close: UInt8(ascii: "}")) else { return nil }
      if !more { return seen }
    }
  }

  /// A string with no escapes and no control characters, lent to `body` as its bytes (the
  /// quotes excluded); nil, with nothing consumed, for anything else.
  @inline(__always)
  public mutating func plainString<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
    guard let inside = plainStringBytes() else { return nil }
    parser.position = inside.upperBound + 1
    return body(UnsafeBufferPointer(rebasing: parser.bytes[inside]))
  }

  /// The positions of the bytes between the quotes of the plain string (no escapes, no control
  /// characters) that starts here, not consumed; nil for anything else. The one scan of both
  /// `plainString` forms.
  @inline(__always)
  mutating func plainStringBytes() -> Range<Int>? {
    parser.skipWhitespace()
    let bytes = parser.bytes
    let start = parser.position + 1
    guard start <= bytes.count, bytes[parser.position] == UInt8(ascii: "\"") else { return nil }
    var p = start
    while p < bytes.count {
      let c = bytes[p]
      if c == UInt8(ascii: "\"") { return start..<p }
      if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
      p += 1
    }
    return nil
  }

  /// A string of exactly `count` bytes between its quotes, lent to `take` unread, which returns
  /// false for any bytes it does not take, and must not take a quote, a backslash or a control
  /// byte (e.g. it takes hex digits only); false, with nothing consumed, otherwise. The fast path
  /// of fixed-length strings such as crossbar rows: no byte is scanned twice. Not generic, so
  /// that a call from another module looks up no type metadata.
  @inline(__always)
  public mutating func string(ofLength count: Int, _ take: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
    parser.skipWhitespace()
    let bytes = parser.bytes
    let p = parser.position
    guard p + count + 2 <= bytes.count, bytes[p] == UInt8(ascii: "\""), bytes[p + count + 1] == UInt8(ascii: "\""),
      take(UnsafeBufferPointer(rebasing: bytes[(p + 1)..<(p + 1 + count)]))
    else { return false }
    parser.position = p + count + 2
    return true
  }

  /// A string with no escapes and no control characters, lent to `take` as its bytes (the quotes
  /// excluded), which returns false for any bytes it does not take; false, with nothing consumed,
  /// otherwise. Not generic (see `string(ofLength:_:)`).
  @inline(__always)
  public mutating func plainString(taking take: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
    guard let inside = plainStringBytes(), take(UnsafeBufferPointer(rebasing: parser.bytes[inside])) else { return false }
    parser.position = inside.upperBound + 1
    return true
  }

  /// The keys an object may have, for `key(in:)`: matched as bytes, so that reading a key makes
  /// no string.
  public struct Keys: Sendable {
    let keys: [[UInt8]]

    /// The keys, in the order `key(in:)` numbers them.
    public init(_ keys: [String]) { self.keys = keys.map { Array($0.utf8) } }

    /// How many keys there are.
    public var count: Int { keys.count }
  }

  /// An object's key and its colon, when the key is a plain string and one of `keys`: its index
  /// in `keys`; nil, with nothing consumed but whitespace, for anything else.
  @inline(__always)
  public mutating func key(in keys: Keys) -> Int? {
    let mark = self.mark
    var found: Int?
    guard
      plainString(taking: { bytes in
        for (k, key) in keys.keys.enumerated() where key.count == bytes.count {
          var equal = true
          for i in 0..<key.count where key[i] != bytes[i] {
            equal = false
            break
          }
          if equal {
            found = k
            return true
          }
        }
        return false
      }), consume(UInt8(ascii: ":"))
    else {
      rewind(to: mark)
      return nil
    }
    return found
  }

  /// An object's key and its colon, when the key is a plain string; nil otherwise.
  public mutating func key() -> String? {
    let mark = self.mark
    guard let k = plainString({ String(decoding: $0, as: UTF8.self) }), consume(UInt8(ascii: ":")) else {
      rewind(to: mark)
      return nil
    }
    return k
  }

  /// A plain integer (an optional '-' and digits, no fraction or exponent) that fits in `Int64`
  /// (`JSONNode.parse` reads the same text as the same `.integer`);
  /// nil, with nothing consumed, for anything else.
  @inline(__always)
  public mutating func integer() -> Int64? {
    parser.skipWhitespace()
    let bytes = parser.bytes
    var p = parser.position
    guard p < bytes.count else { return nil }
    let negative = bytes[p] == UInt8(ascii: "-")
    if negative { p += 1 }
    let first = p
    var magnitude: UInt64 = 0
    while p < bytes.count {
      let d = bytes[p] &- 0x30
      guard d < 10 else { break }
      guard p - first < 19 else { return nil }
      magnitude = magnitude &* 10 &+ UInt64(d)
      p += 1
    }
    guard p > first, magnitude <= (negative ? UInt64(1) << 63 : UInt64(Int64.max)) else { return nil }
    if p < bytes.count, bytes[p] == UInt8(ascii: ".") || bytes[p] | 0x20 == UInt8(ascii: "e") { return nil }
    parser.position = p
    return negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
  }

  /// `true`, `false`, or the integers 0 and 1 (which model files allow for booleans); nil,
  /// with nothing consumed, for anything else.
  @inline(__always)
  public mutating func boolean() -> Bool? {
    guard let c = peek() else { return nil }
    let bytes = parser.bytes
    let p = parser.position
    func word(_ w: StaticString) -> Bool {
      let n = w.utf8CodeUnitCount
      guard p + n <= bytes.count else { return false }
      for k in 0..<n where bytes[p + k] != w.utf8Start[k] { return false }
      return true
    }
    switch c {
    case UInt8(ascii: "t") where word("true"):
      parser.position += 4
      return true
    case UInt8(ascii: "f") where word("false"):
      parser.position += 5
      return false
    case UInt8(ascii: "0"), UInt8(ascii: "1"):
      let mark = self.mark
      guard let v = integer(), v == 0 || v == 1 else {
        rewind(to: mark)
        return nil
      }
      return v == 1
    default:
      return nil
    }
  }

  /// `null`; false, with nothing consumed, for anything else.
  public mutating func null() -> Bool {
    guard peek() == UInt8(ascii: "n") else { return false }
    let bytes = parser.bytes
    let p = parser.position
    guard p + 4 <= bytes.count, bytes[p + 1] == UInt8(ascii: "u"), bytes[p + 2] == UInt8(ascii: "l"),
      bytes[p + 3] == UInt8(ascii: "l")
    else { return false }
    parser.position += 4
    return true
  }

  /// The next value as a tree, as `JSONNode.parse` reads it at nesting `depth` (0 for the root);
  /// nil, with the position unspecified, when it is not valid JSON.
  public mutating func node(depth: Int) -> JSONNode? {
    parser.skipWhitespace()
    return try? parser.parseValue(depth: depth)
  }
}
