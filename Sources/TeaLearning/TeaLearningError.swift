import Foundation

/// An error of the trainer: what was wrong, where (file or flag, and the field inside it) and what
/// is allowed. Its description is the one line the command line prints.
public struct TeaLearningError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file (or `--flag`) the error is in.
  public var file: String
  /// Where inside the file: a JSON path such as `cores[3].connections[17]`, or an IDX header field.
  public var field: String?
  /// What is wrong and what is allowed (and, where there is one, the fix).
  public var message: String

  /// Creates an error naming `file`, optionally `field`, and the `message`.
  public init(file: String, field: String? = nil, message: String) {
    self.file = file
    self.field = field
    self.message = message
  }

  public var description: String {
    var s = file
    if let field, !field.isEmpty { s += ": " + field }
    return s + ": " + message
  }
}

extension TeaLearningError {
  /// An error from Foundation's JSON decoder, with the JSON path of the offending field.
  init(decoding e: DecodingError, file: String) {
    func path(_ p: [CodingKey]) -> String {
      var s = ""
      for k in p {
        if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
      }
      return s
    }
    switch e {
    case .keyNotFound(let key, let ctx):
      self.init(file: file, field: path(ctx.codingPath), message: "missing the required field \"\(key.stringValue)\"")
    case .typeMismatch(let type, let ctx):
      self.init(file: file, field: path(ctx.codingPath), message: "expected \(type): \(ctx.debugDescription)")
    case .valueNotFound(let type, let ctx):
      self.init(file: file, field: path(ctx.codingPath), message: "expected \(type), found null")
    case .dataCorrupted(let ctx):
      self.init(file: file, field: path(ctx.codingPath), message: "invalid: \(ctx.debugDescription)")
    @unknown default:
      self.init(file: file, message: "\(e)")
    }
  }
}

/// Decodes `type` from JSON `data`; errors name `file` and the JSON path of the offending field.
func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws(TeaLearningError) -> T {
  do {
    return try JSONDecoder().decode(type, from: data)
  } catch let e as DecodingError {
    throw TeaLearningError(decoding: e, file: file)
  } catch {
    throw TeaLearningError(file: file, message: "invalid JSON: \(error)")
  }
}
