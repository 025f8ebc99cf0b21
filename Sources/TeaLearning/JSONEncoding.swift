/// Writes any `Encodable` value as compact JSON text through `JSONTextWriter`, the one JSON writer
/// of tnsim: object keys sorted, `nil` optionals left out, strings escaped, and numbers in their
/// shortest form that reads back exactly (a whole float without its `.0`, as Foundation's
/// `JSONEncoder` writes it, so files written before read and compare the same).
///
/// - Throws: `InputError` naming `file` for a value JSON cannot hold (an infinite or NaN float).
func encodeJSON<T: Encodable>(_ value: T, file: String) throws(InputError) -> [UInt8] {
  let root = _JSONTreeNode()
  do {
    try _encode(value, into: root, path: [])
  } catch let e as _JSONUnencodable {
    throw InputError(file: file, path: e.path, message: e.message)
  } catch {
    throw InputError(file: file, message: "cannot encode: \(error)")
  }
  var writer = JSONTextWriter()
  root.write(to: &writer)
  return writer.bytes
}

/// A value JSON cannot hold, and where it is.
struct _JSONUnencodable: Error {
  var path: String
  var message: String
}

/// The text of `v` as a JSON number: the shortest decimal that converts back to `v` through a
/// Double (as a JSON reader converts it), whole numbers without `.0`.
func _jsonNumber<F: BinaryFloatingPoint & LosslessStringConvertible>(_ v: F) -> String? {
  guard v.isFinite else { return nil }
  var text = v.description
  if text.hasSuffix(".0") { text.removeLast(2) }
  // The shortest decimal of a Float read as a Double and rounded to Float could, in principle,
  // land on the other side of a rounding boundary; then write the exact Double instead.
  if let d = Double(text), F(d) == v { return text }
  return Double(v).description
}

/// A JSON value under construction: the encoder's containers fill it in place.
final class _JSONTreeNode {
  enum Content {
    case empty
    case null
    case literal(String)  // a number, written as is
    case bool(Bool)
    case string(String)
    case array([_JSONTreeNode])
    case object([String: _JSONTreeNode])
  }
  var content: Content = .empty

  func append() -> _JSONTreeNode {
    let child = _JSONTreeNode()
    if case .array(var a) = content {
      content = .empty  // keeps `a` unique: appending does not copy the array
      a.append(child)
      content = .array(a)
    } else {
      content = .array([child])
    }
    return child
  }

  func member(_ key: String) -> _JSONTreeNode {
    var members: [String: _JSONTreeNode] = [:]
    if case .object(let m) = content { members = m }
    if let existing = members[key] { return existing }
    let child = _JSONTreeNode()
    content = .empty  // keeps `members` unique
    members[key] = child
    content = .object(members)
    return child
  }

  /// Stores a primitive value; throws for a value JSON cannot hold.
  func set(_ value: Any, path: [CodingKey]) throws(_JSONUnencodable) {
    switch value {
    case let v as Bool: content = .bool(v)
    case let v as String: content = .string(v)
    case let v as Double: content = .literal(try Self.number(v, path))
    case let v as Float: content = .literal(try Self.number(v, path))
    case let v as Int: content = .literal(String(v))
    case let v as Int8: content = .literal(String(v))
    case let v as Int16: content = .literal(String(v))
    case let v as Int32: content = .literal(String(v))
    case let v as Int64: content = .literal(String(v))
    case let v as UInt: content = .literal(String(v))
    case let v as UInt8: content = .literal(String(v))
    case let v as UInt16: content = .literal(String(v))
    case let v as UInt32: content = .literal(String(v))
    case let v as UInt64: content = .literal(String(v))
    default: preconditionFailure("not a JSON primitive: \(type(of: value))")
    }
  }

  static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ v: F, _ path: [CodingKey]) throws(_JSONUnencodable) -> String {
    guard let text = _jsonNumber(v) else { throw _JSONUnencodable(path: Self.describe(path), message: "\(v) cannot be written in JSON") }
    return text
  }

  static func describe(_ path: [CodingKey]) -> String {
    var s = ""
    for k in path {
      if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
    }
    return s
  }

  /// Writes the value, object keys in sorted order.
  func write(to w: inout JSONTextWriter) {
    switch content {
    case .empty, .null: w.null()
    case .literal(let s): w.value(number: s)
    case .bool(let b): w.value(b)
    case .string(let s): w.value(s)
    case .array(let a):
      w.beginArray(.compact)
      for e in a { e.write(to: &w) }
      w.endArray()
    case .object(let m):
      w.beginObject(.compact)
      for key in m.keys.sorted() {
        w.key(key)
        m[key]!.write(to: &w)
      }
      w.endObject()
    }
  }
}

/// The `Encoder` that builds a `_JSONTreeNode`.
struct _JSONTreeEncoder: Encoder {
  let node: _JSONTreeNode
  var codingPath: [CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    if case .object = node.content {} else { node.content = .object([:]) }
    return KeyedEncodingContainer(_JSONKeyedContainer<Key>(node: node, codingPath: codingPath))
  }

  func unkeyedContainer() -> UnkeyedEncodingContainer {
    if case .array = node.content {} else { node.content = .array([]) }
    return _JSONUnkeyedContainer(node: node, codingPath: codingPath)
  }

  func singleValueContainer() -> SingleValueEncodingContainer { _JSONSingleValueContainer(node: node, codingPath: codingPath) }
}

/// Encodes `value` into `node`: primitives directly, anything else through its `encode(to:)`.
func _encode<T: Encodable>(_ value: T, into node: _JSONTreeNode, path: [CodingKey]) throws {
  switch value {
  case is Bool, is String, is Double, is Float, is Int, is Int8, is Int16, is Int32, is Int64, is UInt, is UInt8, is UInt16, is UInt32, is UInt64:
    try node.set(value, path: path)
  case let floats as [Float]:
    // The bulk of a network file: skip a node per element's container.
    var children: [_JSONTreeNode] = []
    children.reserveCapacity(floats.count)
    for (i, v) in floats.enumerated() {
      let child = _JSONTreeNode()
      child.content = .literal(try _JSONTreeNode.number(v, path + [_JSONIndexKey(i)]))
      children.append(child)
    }
    node.content = .array(children)
  default:
    try value.encode(to: _JSONTreeEncoder(node: node, codingPath: path))
  }
}

struct _JSONIndexKey: CodingKey {
  var stringValue: String { "\(intValue!)" }
  var intValue: Int?
  init(_ i: Int) { intValue = i }
  init?(stringValue: String) { nil }
  init?(intValue: Int) { self.intValue = intValue }
}

struct _JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: _JSONTreeNode
  var codingPath: [CodingKey]

  mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).content = .null }
  mutating func encode(_ value: Bool, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: String, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: Double, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: Float, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: Int, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: Int8, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { try node.member(key.stringValue).set(value, path: codingPath + [key]) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try _encode(value, into: node.member(key.stringValue), path: codingPath + [key])
  }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
    _JSONTreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
  }
  mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
    _JSONTreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
  }
  mutating func superEncoder() -> Encoder { _JSONTreeEncoder(node: node.member("super"), codingPath: codingPath) }
  mutating func superEncoder(forKey key: Key) -> Encoder { _JSONTreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]) }
}

struct _JSONUnkeyedContainer: UnkeyedEncodingContainer {
  let node: _JSONTreeNode
  var codingPath: [CodingKey]
  var count: Int {
    if case .array(let a) = node.content { return a.count }
    return 0
  }

  mutating func encodeNil() throws { node.append().content = .null }
  mutating func encode(_ value: Bool) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: String) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: Double) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: Float) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: Int) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: Int8) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: Int16) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: Int32) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: Int64) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: UInt) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: UInt8) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: UInt16) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: UInt32) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode(_ value: UInt64) throws {
    let index = count
    try node.append().set(value, path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func encode<T: Encodable>(_ value: T) throws {
    let index = count
    try _encode(value, into: node.append(), path: codingPath + [_JSONIndexKey(index)])
  }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    let index = count
    return _JSONTreeEncoder(node: node.append(), codingPath: codingPath + [_JSONIndexKey(index)]).container(keyedBy: keyType)
  }
  mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
    let index = count
    return _JSONTreeEncoder(node: node.append(), codingPath: codingPath + [_JSONIndexKey(index)]).unkeyedContainer()
  }
  mutating func superEncoder() -> Encoder {
    let index = count
    return _JSONTreeEncoder(node: node.append(), codingPath: codingPath + [_JSONIndexKey(index)])
  }
}

struct _JSONSingleValueContainer: SingleValueEncodingContainer {
  let node: _JSONTreeNode
  var codingPath: [CodingKey]

  mutating func encodeNil() throws { node.content = .null }
  mutating func encode(_ value: Bool) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: String) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: Double) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: Float) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: Int) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: Int8) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: Int16) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: Int32) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: Int64) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: UInt) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: UInt8) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: UInt16) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: UInt32) throws { try node.set(value, path: codingPath) }
  mutating func encode(_ value: UInt64) throws { try node.set(value, path: codingPath) }
  mutating func encode<T: Encodable>(_ value: T) throws { try _encode(value, into: node, path: codingPath) }
}
