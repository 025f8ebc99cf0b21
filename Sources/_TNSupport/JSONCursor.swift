/// A position inside a parsed JSON file: the node, its path from the root and the file name, with
/// typed accessors that throw an `InputError` naming all three when the value is not as allowed.
public struct JSONCursor: Sendable {
  /// The value here.
  public let node: JSONNode
  /// Where the value is, from the root: `cores[3].neurons.threshold`.
  ///
  /// Built only when asked for (an error message): a cursor keeps its parent's path and its own
  /// key or index, so that walking the million elements of a large model builds no strings.
  public var path: String {
    switch last {
    case .none: return base
    case .key(let k): return Self.joined(base, k)
    case .index(let i): return base + "[\(i)]"
    case .keyIndex(let k, let i): return Self.joined(base, k) + "[\(i)]"
    case .indexKey(let i, let k): return base + "[\(i)]." + k
    }
  }
  /// The file the value came from.
  public let file: String
  let base: String
  let last: Component

  /// The last steps of a path after `base`: none, a member's key, an element's index, or one of
  /// each (so that `cores[3].x` and `neurons.leak[17]` build no string until asked for).
  enum Component: Sendable {
    case none
    case key(String)
    case index(Int)
    case keyIndex(String, Int)
    case indexKey(Int, String)
  }

  static func joined(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }

  /// A cursor at `node` of `file`, at `path`.
  public init(_ node: JSONNode, file: String, path: String = "") {
    self.init(node, file: file, base: path, last: .none)
  }

  init(_ node: JSONNode, file: String, base: String, last: Component) {
    self.node = node
    self.file = file
    self.base = base
    self.last = last
  }

  /// Parses a file's bytes into a cursor at its root.
  public static func parse(_ bytes: [UInt8], file: String) throws(InputError) -> JSONCursor {
    do {
      return JSONCursor(try JSONNode.parse(bytes), file: file)
    } catch {
      throw InputError(file: file, line: error.line, message: "invalid JSON at column \(error.column): \(error.message)")
    }
  }

  /// An error at this value: its file, line (or `line`) and path, and `message`.
  public func fail(_ message: String, line: Int? = nil) -> InputError {
    InputError(file: file, line: line ?? node.line, path: path, message: message)
  }

  /// The cursor of `node`, the member `component` of this object.
  public func child(_ node: JSONNode, _ component: String) -> JSONCursor {
    switch last {
    case .none: return JSONCursor(node, file: file, base: base, last: .key(component))
    case .index(let i): return JSONCursor(node, file: file, base: base, last: .indexKey(i, component))
    default: return JSONCursor(node, file: file, base: path, last: .key(component))
    }
  }

  /// The cursor of `node`, the element `index` of this array.
  public func element(_ node: JSONNode, _ index: Int) -> JSONCursor {
    switch last {
    case .none: return JSONCursor(node, file: file, base: base, last: .index(index))
    case .key(let k): return JSONCursor(node, file: file, base: base, last: .keyIndex(k, index))
    default: return JSONCursor(node, file: file, base: path, last: .index(index))
    }
  }

  /// The JSON type of the value, for messages (`object`, `array`, `string`...).
  public var typeName: String {
    switch node.value {
    case .null: return "null"
    case .bool: return "a boolean"
    case .integer: return "an integer"
    case .double: return "a number with a fraction"
    case .string: return "a string"
    case .integers, .array: return "an array"
    case .object: return "an object"
    }
  }

  /// The object's members in order; throws unless the value is an object.
  public func members() throws(InputError) -> [(key: String, value: JSONNode)] {
    guard case .object(let m) = node.value else { throw fail("expected an object, found \(typeName)") }
    return m
  }

  /// The member `key`, or nil when absent. Throws on a repeated key.
  public func optional(_ key: String) throws(InputError) -> JSONCursor? {
    var found: JSONNode?
    for m in try members() where m.key == key {
      if found != nil { throw child(m.value, key).fail("the key \"\(key)\" appears more than once") }
      found = m.value
    }
    return found.map { child($0, key) }
  }

  /// The member `key`; throws naming it when absent.
  public func required(_ key: String) throws(InputError) -> JSONCursor {
    guard let c = try optional(key) else { throw fail("missing the required field \"\(key)\"") }
    return c
  }

  /// Throws naming the first key not in `allowed` (catches typos in hand-written files).
  public func rejectUnknownKeys(_ allowed: Set<String>) throws(InputError) {
    for m in try members() where !allowed.contains(m.key) {
      throw child(m.value, m.key).fail(
        "unknown field \"\(m.key)\"; allowed: \(allowed.sorted().joined(separator: ", "))")
    }
  }

  /// Whether the value is `null`.
  public var isNull: Bool { if case .null = node.value { return true } else { return false } }

  /// The elements of an array.
  public func elements() throws(InputError) -> [JSONCursor] {
    switch node.value {
    case .array(let a): return a.enumerated().map { element($1, $0) }
    case .integers(let a): return a.enumerated().map { element(JSONNode(.integer($1), line: node.line), $0) }
    default: throw fail("expected an array, found \(typeName)")
    }
  }

  /// The number of elements when the value is an array, else nil.
  public var arrayCount: Int? {
    switch node.value {
    case .array(let a): return a.count
    case .integers(let a): return a.count
    default: return nil
    }
  }

  /// An integer within `range`.
  public func int<R: RangeExpression>(in range: R, allowed: String? = nil) throws(InputError) -> Int
  where R.Bound == Int {
    let v: Int64
    switch node.value {
    case .integer(let x): v = x
    case .double(let d) where d == d.rounded() && abs(d) < 9e15: v = Int64(d)
    default: throw fail("expected an integer, found \(typeName)")
    }
    guard v >= Int64(Int.min) && v <= Int64(Int.max), range.contains(Int(v)) else {
      throw fail("value \(v) is out of range; allowed: \(allowed ?? Self.describe(range))")
    }
    return Int(v)
  }

  /// Any integer that fits in 64 bits.
  public func int64() throws(InputError) -> Int64 {
    switch node.value {
    case .integer(let x): return x
    case .double(let d) where d == d.rounded() && abs(d) < 9e15: return Int64(d)
    default: throw fail("expected an integer, found \(typeName)")
    }
  }

  /// A number (integer or not).
  public func double() throws(InputError) -> Double {
    switch node.value {
    case .integer(let x): return Double(x)
    case .double(let d): return d
    default: throw fail("expected a number, found \(typeName)")
    }
  }

  /// A boolean; 0 and 1 are accepted too.
  public func bool() throws(InputError) -> Bool {
    switch node.value {
    case .bool(let b): return b
    case .integer(0): return false
    case .integer(1): return true
    default: throw fail("expected true or false, found \(typeName)")
    }
  }

  /// A string; throws naming the value when it is not one.
  public func string() throws(InputError) -> String {
    guard case .string(let s) = node.value else { throw fail("expected a string, found \(typeName)") }
    return s
  }

  /// An array of integers, each in `range`, of exactly `count` elements when given.
  public func ints<R: RangeExpression>(in range: R, count: Int? = nil) throws(InputError) -> [Int]
  where R.Bound == Int {
    if case .integers(let a) = node.value {
      if let count, a.count != count { throw fail("expected \(count) integers, found \(a.count)") }
      var out = [Int](repeating: 0, count: a.count)
      for (i, v) in a.enumerated() {
        guard v >= Int64(Int.min) && v <= Int64(Int.max), range.contains(Int(v)) else {
          throw element(node, i).fail("value \(v) is out of range; allowed: \(Self.describe(range))")
        }
        out[i] = Int(v)
      }
      return out
    }
    let e = try elements()
    if let count, e.count != count { throw fail("expected \(count) integers, found \(e.count)") }
    var out: [Int] = []
    out.reserveCapacity(e.count)
    for x in e { out.append(try x.int(in: range)) }
    return out
  }

  /// A range as a message says it: `0...255`, or `1 or more`.
  public static func describe<R: RangeExpression>(_ range: R) -> String where R.Bound == Int {
    if let r = range as? ClosedRange<Int> { return "\(r.lowerBound)...\(r.upperBound)" }
    if let r = range as? Range<Int> { return "\(r.lowerBound)...\(r.upperBound - 1)" }
    if let r = range as? PartialRangeFrom<Int> { return "\(r.lowerBound) or more" }
    return "\(range)"
  }
}
