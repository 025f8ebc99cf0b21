/// A parsed JSON document that keeps what the chip's file formats need and `JSONSerialization` loses:
/// key order, repeated keys (the IBM toolchain's `model.json` repeats `"core"`), exact integers,
/// and the line each value starts on, so that errors can say where a bad value is.
///
/// Arrays whose elements are all integers are stored flat (`.integers`), which keeps large model
/// files (a million neurons) small in memory and fast to read.
///
/// Not `indirect`: every payload that nests is already an array, so a value is stored inline and
/// parsing a number allocates nothing (an `indirect` enum boxes every case on the heap, which was
/// most of the time and memory of loading a large model: docs/benchmarks.md, issue 16).
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case integer(Int64)
  case double(Double)
  case string(String)
  /// An array of integers only; `lines` is the line of the opening bracket.
  case integers([Int64])
  case array([JSONNode])
  /// Members in file order; keys may repeat.
  case object([(key: String, value: JSONNode)])

  /// Equal values: objects member by member, in order.
  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case let (.bool(x), .bool(y)): return x == y
    case let (.integer(x), .integer(y)): return x == y
    case let (.double(x), .double(y)): return x == y
    case let (.string(x), .string(y)): return x == y
    case let (.integers(x), .integers(y)): return x == y
    case let (.array(x), .array(y)): return x == y
    case let (.object(x), .object(y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: return false
    }
  }
}

/// A JSON value with the line it starts on (1-based).
public struct JSONNode: Sendable, Equatable {
  /// The value.
  public var value: JSONValue
  /// The line the value starts on (1-based; 0 when made in code).
  public var line: Int

  /// A node holding `value`, starting on `line`.
  public init(_ value: JSONValue, line: Int = 0) {
    self.value = value
    self.line = line
  }

  /// Nodes are equal when their values are; lines do not count.
  public static func == (a: JSONNode, b: JSONNode) -> Bool { a.value == b.value }
}

/// A syntax error in a JSON text, with its line and column.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
  /// The line of the error (1-based).
  public var line: Int
  /// The column of the error (1-based).
  public var column: Int
  /// What is wrong.
  public var message: String
  /// `line L, column C: message`.
  public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONNode {
  /// Parses a complete JSON text.
  /// - Throws: `JSONSyntaxError` naming the line and column of the first error.
  /// - Complexity: O(n) in the length of the text.
  public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
    try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) -> JSONNode in
      var parser = _JSONParser(buffer)
      parser.skipWhitespace()
      let node = try parser.parseValue(depth: 0)
      parser.skipWhitespace()
      if parser.position < buffer.count { throw parser.error("unexpected text after the JSON value") }
      return node
    }
  }

  /// Parses a JSON text given as a string.
  public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
    try parse(Array(text.utf8))
  }
}

struct _JSONParser {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0
  var line = 1
  var lineStart = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  func error(_ message: String) -> JSONSyntaxError {
    JSONSyntaxError(line: line, column: position - lineStart + 1, message: message)
  }

  mutating func skipWhitespace() {
    while position < bytes.count {
      let c = bytes[position]
      if c == 0x0A {
        line += 1
        lineStart = position + 1
      } else if c != 0x20 && c != 0x09 && c != 0x0D {
        return
      }
      position += 1
    }
  }

  mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONNode {
    guard depth < 512 else { throw error("nesting deeper than 512 levels") }
    guard position < bytes.count else { throw error("unexpected end of file, expected a value") }
    let startLine = line
    switch bytes[position] {
    case UInt8(ascii: "{"): return JSONNode(try parseObject(depth: depth), line: startLine)
    case UInt8(ascii: "["): return JSONNode(try parseArray(depth: depth), line: startLine)
    case UInt8(ascii: "\""): return JSONNode(.string(try parseString()), line: startLine)
    case UInt8(ascii: "t"): try expectWord("true"); return JSONNode(.bool(true), line: startLine)
    case UInt8(ascii: "f"): try expectWord("false"); return JSONNode(.bool(false), line: startLine)
    case UInt8(ascii: "n"): try expectWord("null"); return JSONNode(.null, line: startLine)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return JSONNode(try parseNumber(), line: startLine)
    default:
      throw error("unexpected character '\(Character(Unicode.Scalar(bytes[position])))', expected a value")
    }
  }

  mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
    let count = word.utf8CodeUnitCount
    guard position + count <= bytes.count else { throw error("unexpected end of file") }
    for k in 0..<count where bytes[position + k] != word.utf8Start[k] {
      throw error("invalid literal, expected '\(word)'")
    }
    position += count
  }

  mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
    let start = position
    var negative = false
    if bytes[position] == UInt8(ascii: "-") {
      negative = true
      position += 1
    }
    var magnitude: UInt64 = 0
    var overflow = false
    var digits = 0
    while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
      let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
      let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[position] - 0x30))
      magnitude = m2
      overflow = overflow || o1 || o2
      digits += 1
      position += 1
    }
    guard digits > 0 else { throw error("invalid number") }
    var isInteger = true
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      isInteger = false
      position += 1
      var fraction = 0
      while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
        position += 1
        fraction += 1
      }
      guard fraction > 0 else { throw error("invalid number: no digits after '.'") }
    }
    if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
      isInteger = false
      position += 1
      if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
        position += 1
      }
      var exponent = 0
      while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
        position += 1
        exponent += 1
      }
      guard exponent > 0 else { throw error("invalid number: no digits in the exponent") }
    }
    // -2^63 too: the writer writes Int64.min (a seed of 2^63 as a bit pattern), so it must read back.
    if isInteger && !overflow && magnitude <= (negative ? UInt64(1) << 63 : UInt64(Int64.max)) {
      return .integer(negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude))
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    guard let value = Double(text) else { throw error("invalid number '\(text)'") }
    return .double(value)
  }

  mutating func parseString() throws(JSONSyntaxError) -> String {
    position += 1  // opening quote
    let start = position
    // Fast path: no escapes.
    while position < bytes.count {
      let c = bytes[position]
      if c == UInt8(ascii: "\"") {
        let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        position += 1
        return s
      }
      if c == UInt8(ascii: "\\") { break }
      if c < 0x20 { throw error("control character in a string") }
      position += 1
    }
    var scalars = Array(bytes[start..<position])
    while position < bytes.count {
      let c = bytes[position]
      if c == UInt8(ascii: "\"") {
        position += 1
        return String(decoding: scalars, as: UTF8.self)
      }
      if c < 0x20 { throw error("control character in a string") }
      if c != UInt8(ascii: "\\") {
        scalars.append(c)
        position += 1
        continue
      }
      position += 1
      guard position < bytes.count else { break }
      let e = bytes[position]
      position += 1
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(e)
      case UInt8(ascii: "b"): scalars.append(0x08)
      case UInt8(ascii: "f"): scalars.append(0x0C)
      case UInt8(ascii: "n"): scalars.append(0x0A)
      case UInt8(ascii: "r"): scalars.append(0x0D)
      case UInt8(ascii: "t"): scalars.append(0x09)
      case UInt8(ascii: "u"):
        var code = try parseHex4()
        if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count,
          bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
        {
          position += 2
          let low = try parseHex4()
          code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00)
        }
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
      default: throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string")
      }
    }
    throw error("unterminated string")
  }

  mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[position]
      let digit: UInt32
      switch c {
      case 0x30...0x39: digit = UInt32(c - 0x30)
      case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
      case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
      default: throw error("invalid hex digit in \\u escape")
      }
      value = value << 4 | digit
      position += 1
    }
    return value
  }

  /// The integer at `position` when it is a plain one (an optional '-', at most 18 digits, then a
  /// byte that cannot continue a number); nil, with `position` unchanged, for anything else, which
  /// `parseValue` then reads (and reports) the general way. The fast path of integer arrays.
  @inline(__always)
  mutating func parseSimpleInteger() -> Int64? {
    var p = position
    let negative = bytes[p] == UInt8(ascii: "-")
    if negative { p += 1 }
    var magnitude: Int64 = 0
    let first = p
    while p < bytes.count, p - first < 19 {
      let d = bytes[p] &- 0x30
      guard d < 10 else { break }
      magnitude = magnitude &* 10 &+ Int64(d)
      p += 1
    }
    let digits = p - first
    guard digits > 0, digits < 19, p < bytes.count else { return nil }
    switch bytes[p] {
    case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), 0x30...0x39: return nil
    default:
      position = p
      return negative ? -magnitude : magnitude
    }
  }

  mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    position += 1
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      return .array([])
    }
    var integers: [Int64] = []
    var nodes: [JSONNode] = []
    var allIntegers = true
    while true {
      skipWhitespace()
      if allIntegers, depth + 1 < 512, position < bytes.count, let v = parseSimpleInteger() {
        integers.append(v)
      } else {
        let node = try parseValue(depth: depth + 1)
        if allIntegers, case .integer(let v) = node.value {
          integers.append(v)
        } else {
          if allIntegers {
            allIntegers = false
            nodes.reserveCapacity(integers.count + 1)
            for v in integers { nodes.append(JSONNode(.integer(v), line: node.line)) }
            integers = []
          }
          nodes.append(node)
        }
      }
      skipWhitespace()
      guard position < bytes.count else { throw error("unexpected end of file inside an array") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      if bytes[position] == UInt8(ascii: "]") {
        position += 1
        return allIntegers ? .integers(integers) : .array(nodes)
      }
      throw error("expected ',' or ']' in an array")
    }
  }

  mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    position += 1
    var members: [(key: String, value: JSONNode)] = []
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return .object([])
    }
    while true {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw error("expected a quoted key in an object")
      }
      let key = try parseString()
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
        throw error("expected ':' after the key \"\(key)\"")
      }
      position += 1
      skipWhitespace()
      members.append((key, try parseValue(depth: depth + 1)))
      skipWhitespace()
      guard position < bytes.count else { throw error("unexpected end of file inside an object") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      if bytes[position] == UInt8(ascii: "}") {
        position += 1
        return .object(members)
      }
      throw error("expected ',' or '}' in an object")
    }
  }
}
