import Foundation

/// The one writer of JSON text: every `--json` object and every JSON file tnsim writes goes
/// through it.
///
/// It is structured: containers are opened and closed, object members are written as a key and
/// then a value, and the writer puts in the commas. Keys appear in the order written (nothing is
/// sorted or hashed), strings are always escaped, integers are written in decimal and other
/// numbers in one of the formats of `NumberFormat`. Each container chooses its `Layout`, and
/// `lineBreak(indent:)` starts the next element on a new line, so that files keep a layout people
/// can read (a model file puts one core per line block) without any text spliced by hand.
///
///     var w = JSONTextWriter()
///     w.beginObject()
///     w.member("name", "a \"quoted\" name")
///     w.member("ratio", 0.25)
///     w.key("ticks")
///     w.array([1, 2, 3] as [Int64])
///     w.endObject()
///     w.text  // {"name": "a \"quoted\" name", "ratio": 0.25, "ticks": [1,2,3]}
///
/// - Complexity: each call is O(1) beyond the bytes it appends.
public struct JSONTextWriter: Sendable {
  /// How a container separates its elements.
  public enum Layout: Sendable {
    /// A space after each comma and colon: `{"a": 1, "b": 2}` (the `--json` outputs).
    case spaced
    /// No spaces: `{"a":1,"b":2}`, `[1,2,3]` (integer rows of files, IBM headers).
    case compact
  }

  /// How a number that is not an integer is written. Non-finite values, which JSON cannot
  /// express, are written as 0 in the same format.
  public enum NumberFormat: Sendable, Equatable {
    /// At most `n` significant digits, as C's `%.{n}g`: `0.25`, `6.81536e+07`.
    case significant(Int)
    /// Exactly `n` digits after the point, as C's `%.{n}f`: `0.9612`.
    case decimals(Int)
  }

  /// The text written so far, as UTF-8.
  public private(set) var bytes: [UInt8] = []

  struct Frame {
    var isObject: Bool
    var layout: Layout
    var count = 0
  }

  var stack: [Frame] = []
  var afterKey = false
  var pendingIndent: Int?

  /// An empty writer.
  public init() { bytes.reserveCapacity(1 << 12) }

  /// The text written so far.
  public var text: String { String(decoding: bytes, as: UTF8.self) }

  // MARK: - Structure

  /// Opens an object, as a value (after `key`, in an array, or at the top level).
  public mutating func beginObject(_ layout: Layout = .spaced) {
    beginValue()
    bytes.append(UInt8(ascii: "{"))
    stack.append(Frame(isObject: true, layout: layout))
  }

  /// Closes the innermost object.
  /// - Parameter indent: when given, the closing brace goes on a new line with this indent.
  public mutating func endObject(lineBreak indent: Int? = nil) { end(UInt8(ascii: "}"), indent: indent) }

  /// Opens an array, as a value.
  public mutating func beginArray(_ layout: Layout = .spaced) {
    beginValue()
    bytes.append(UInt8(ascii: "["))
    stack.append(Frame(isObject: false, layout: layout))
  }

  /// Closes the innermost array.
  /// - Parameter indent: when given, the closing bracket goes on a new line with this indent.
  public mutating func endArray(lineBreak indent: Int? = nil) { end(UInt8(ascii: "]"), indent: indent) }

  /// Starts the next element of the current container (after its comma) on a new line indented
  /// by `indent` spaces, instead of after the layout's space.
  public mutating func lineBreak(indent: Int) { pendingIndent = indent }

  /// Ends a line after a complete top-level value (files end with a newline; JSON-lines files
  /// put one value per line).
  public mutating func endLine() {
    precondition(stack.isEmpty, "endLine() inside a container")
    bytes.append(0x0A)
  }

  /// Writes the key of the next member of the current object; its value follows.
  public mutating func key(_ name: String) {
    precondition(stack.last?.isObject == true && !afterKey, "a key outside an object or after a key")
    separate()
    appendEscaped(name.utf8)
    bytes.append(UInt8(ascii: ":"))
    if stack[stack.count - 1].layout == .spaced { bytes.append(0x20) }
    afterKey = true
  }

  // MARK: - Values

  /// Writes an integer in decimal.
  public mutating func value<T: BinaryInteger>(_ v: T) {
    beginValue()
    appendDecimal(v)
  }

  /// Writes `true` or `false`.
  public mutating func value(_ v: Bool) {
    beginValue()
    bytes.append(contentsOf: v ? Self.trueBytes : Self.falseBytes)
  }

  /// Writes a string, escaped.
  public mutating func value(_ s: String) {
    beginValue()
    appendEscaped(s.utf8)
  }

  /// Writes the UTF-8 bytes of a string, escaped (for text built byte by byte, without a
  /// `String` per value).
  public mutating func value<C: Collection>(utf8: C) where C.Element == UInt8 {
    beginValue()
    appendEscaped(utf8)
  }

  /// Writes a number in `format` (by default 6 significant digits).
  public mutating func value(_ v: Double, _ format: NumberFormat = .significant(6)) {
    beginValue()
    bytes.append(contentsOf: Self.format(v, format).utf8)
  }

  /// Writes a number already formatted as JSON text, as it is (e.g. the shortest text that reads
  /// back as the same `Float`, which no printf format gives).
  /// - Precondition: `text` is a JSON number.
  public mutating func value(number text: String) {
    assert(Double(text) != nil && text.first != "+", "not a JSON number: \(text)")
    beginValue()
    bytes.append(contentsOf: text.utf8)
  }

  /// Writes `null`.
  public mutating func null() {
    beginValue()
    bytes.append(contentsOf: Self.nullBytes)
  }

  /// Writes an array of integers.
  public mutating func array<S: Sequence>(_ values: S, _ layout: Layout = .compact) where S.Element: BinaryInteger {
    beginArray(layout)
    for v in values { value(v) }
    endArray()
  }

  /// Writes an array of numbers in `format`.
  public mutating func array<S: Sequence>(_ values: S, _ format: NumberFormat, _ layout: Layout = .compact)
  where S.Element == Double {
    beginArray(layout)
    for v in values { value(v, format) }
    endArray()
  }

  // MARK: - Members

  /// Writes the member `name` with an integer value.
  public mutating func member<T: BinaryInteger>(_ name: String, _ v: T) {
    key(name)
    value(v)
  }

  /// Writes the member `name` with a boolean value.
  public mutating func member(_ name: String, _ v: Bool) {
    key(name)
    value(v)
  }

  /// Writes the member `name` with a string value, escaped.
  public mutating func member(_ name: String, _ v: String) {
    key(name)
    value(v)
  }

  /// Writes the member `name` with a number in `format`.
  public mutating func member(_ name: String, _ v: Double, _ format: NumberFormat = .significant(6)) {
    key(name)
    value(v, format)
  }

  /// A number as `value(_:_:)` writes it: `format` applied by C's printf, non-finite values as 0.
  public static func format(_ v: Double, _ format: NumberFormat) -> String {
    let x = v.isFinite ? v : 0
    switch format {
    case .significant(let n): return String(format: "%.\(n)g", x)
    case .decimals(let n): return String(format: "%.\(n)f", x)
    }
  }

  // MARK: - Internals

  static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8), nullBytes = Array("null".utf8)

  /// The comma, line break or space before an element of the current container.
  mutating func separate() {
    guard !stack.isEmpty else { return }
    let k = stack.count - 1
    if stack[k].count > 0 { bytes.append(UInt8(ascii: ",")) }
    if let indent = pendingIndent {
      bytes.append(0x0A)
      bytes.append(contentsOf: repeatElement(0x20, count: indent))
      pendingIndent = nil
    } else if stack[k].count > 0 && stack[k].layout == .spaced {
      bytes.append(0x20)
    }
    stack[k].count += 1
  }

  mutating func beginValue() {
    if afterKey {
      afterKey = false
      return
    }
    precondition(stack.last?.isObject != true, "a value in an object without a key")
    separate()
  }

  mutating func end(_ bracket: UInt8, indent: Int?) {
    precondition(!stack.isEmpty && !afterKey, "closing a container that is not open, or after a key")
    stack.removeLast()
    pendingIndent = nil
    if let indent {
      bytes.append(0x0A)
      bytes.append(contentsOf: repeatElement(0x20, count: indent))
    }
    bytes.append(bracket)
  }

  mutating func appendDecimal<T: BinaryInteger>(_ v: T) {
    guard let small = Int64(exactly: v) else {
      bytes.append(contentsOf: String(v).utf8)
      return
    }
    if small < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = small.magnitude
    let start = bytes.count
    repeat {
      bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
      magnitude /= 10
    } while magnitude > 0
    bytes[start...].reverse()
  }

  mutating func appendEscaped<C: Collection>(_ s: C) where C.Element == UInt8 {
    bytes.append(UInt8(ascii: "\""))
    for u in s {
      switch u {
      case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(u >> 4)], hex[Int(u & 15)]]
      default: bytes.append(u)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
