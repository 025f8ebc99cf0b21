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
