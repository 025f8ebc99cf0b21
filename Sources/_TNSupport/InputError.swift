/// An error in a file or flag given to tnsim: what was wrong, where (file, line, JSON path or
/// field) and what is allowed. Its description is the one line the command line prints.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file (or `--flag`) the error is in.
  public var file: String
  /// The 1-based line, when known.
  public var line: Int?
  /// Where inside the file: a JSON path such as `cores[3].neurons.threshold[17]`, or a column name.
  public var path: String?
  /// What is wrong and what is allowed.
  public var message: String

  public init(file: String, line: Int? = nil, path: String? = nil, message: String) {
    self.file = file
    self.line = line
    self.path = path
    self.message = message
  }

  public var description: String {
    var s = file
    if let line { s += ":\(line)" }
    if let path, !path.isEmpty { s += ": \(path)" }
    return s + ": " + message
  }
}
