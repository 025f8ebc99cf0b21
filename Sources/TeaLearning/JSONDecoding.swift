import Foundation

/// Decodes `type` from the JSON text `bytes` of `file`.
///
/// The text is parsed first, so that a syntax error names its line and column; then the value is
/// decoded, and a missing or mistyped field is named by its JSON path and line.
/// - Throws: `InputError` naming `file`, the line and the JSON path of what is wrong.
func decodeJSON<T: Decodable>(_ type: T.Type, from bytes: [UInt8], file: String) throws(InputError) -> T {
  let root = try JSONCursor.parse(bytes, file: file).node
  do {
    return try JSONDecoder().decode(type, from: Data(bytes))
  } catch let e as DecodingError {
    throw InputError(decoding: e, file: file, root: root)
  } catch {
    throw InputError(file: file, message: "invalid JSON: \(error)")
  }
}

extension InputError {
  /// An error from Foundation's JSON decoder, with the JSON path of the offending field and the
  /// line where it is in `root`, the parsed file.
  init(decoding e: DecodingError, file: String, root: JSONNode) {
    func at(_ p: [CodingKey]) -> (path: String, line: Int?) {
      var s = ""
      var node: JSONNode? = root
      for k in p {
        if let i = k.intValue {
          s += "[\(i)]"
          node = node.flatMap { Self.element(i, of: $0) }
        } else {
          s += (s.isEmpty ? "" : ".") + k.stringValue
          node = node.flatMap { Self.member(k.stringValue, of: $0) }
        }
      }
      return (s, node?.line)
    }
    switch e {
    case .keyNotFound(let key, let ctx):
      let (path, line) = at(ctx.codingPath)
      self.init(file: file, line: line, path: path, message: "missing the required field \"\(key.stringValue)\"")
    case .typeMismatch(let type, let ctx):
      let (path, line) = at(ctx.codingPath)
      self.init(file: file, line: line, path: path, message: "expected \(type): \(ctx.debugDescription)")
    case .valueNotFound(let type, let ctx):
      let (path, line) = at(ctx.codingPath)
      self.init(file: file, line: line, path: path, message: "expected \(type), found null")
    case .dataCorrupted(let ctx) where ctx.codingPath.isEmpty:
      // Foundation reports a number beyond its field's type (1e300 for a Float) as "not valid
      // JSON" with no path; the text parsed, so find the number and name it.
      if let (path, node) = Self.firstBeyondFloat(root, path: "") {
        self.init(file: file, line: node.line, path: path, message: "is \(node.value.numberText); beyond the range of a 32-bit float (about 3.4e38)")
      } else {
        self.init(file: file, line: nil, path: nil, message: "invalid: a value does not fit its field (\(ctx.debugDescription))")
      }
    case .dataCorrupted(let ctx):
      let (path, line) = at(ctx.codingPath)
      self.init(file: file, line: line, path: path, message: "invalid: \(ctx.debugDescription)")
    @unknown default:
      self.init(file: file, message: "\(e)")
    }
  }

  /// The first number in `node` (depth first) whose magnitude no Float holds, with its JSON path.
  private static func firstBeyondFloat(_ node: JSONNode, path: String) -> (String, JSONNode)? {
    switch node.value {
    case .double(let d) where abs(d) > Double(Float.greatestFiniteMagnitude) || !d.isFinite: return (path, node)
    case .array(let a):
      for (i, e) in a.enumerated() { if let hit = firstBeyondFloat(e, path: path + "[\(i)]") { return hit } }
    case .object(let members):
      for m in members { if let hit = firstBeyondFloat(m.value, path: path.isEmpty ? m.key : path + "." + m.key) { return hit } }
    default: break
    }
    return nil
  }

  /// The last member `key` of the object `node` (the one a decoder keeps), if any.
  private static func member(_ key: String, of node: JSONNode) -> JSONNode? {
    guard case .object(let members) = node.value else { return nil }
    return members.last { $0.key == key }?.value
  }

  /// Element `i` of the array `node`, if any (integer arrays report the array's line).
  private static func element(_ i: Int, of node: JSONNode) -> JSONNode? {
    switch node.value {
    case .array(let a): return a.indices.contains(i) ? a[i] : nil
    case .integers(let a): return a.indices.contains(i) ? JSONNode(.integer(a[i]), line: node.line) : nil
    default: return nil
    }
  }
}

extension JSONValue {
  /// A number as written in messages.
  fileprivate var numberText: String {
    switch self {
    case .integer(let x): return "\(x)"
    case .double(let d): return "\(d)"
    default: return "not a number"
    }
  }
}
