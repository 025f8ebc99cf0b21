/// An error in a file or a request: what was wrong, where (file, line, JSON path or field), the
/// value and what is allowed. Its description is the one line the command line prints.
///
/// Libraries fill these fields with values; only the command line turns them into flag names.
/// `message` is always complete on its own; `field`, `value` and `allowed` repeat its parts for
/// programs that handle the error.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file the error is in (or, for a request, the thing it names).
  public var file: String
  /// The 1-based line, when known.
  public var line: Int?
  /// Where inside the file: a JSON path such as `cores[3].neurons.threshold[17]`, or a column name.
  public var path: String?
  /// The field or setting that is wrong, e.g. `ticks` or `format`, when the error is about one.
  public var field: String?
  /// The value that is wrong, as given.
  public var value: String?
  /// What is allowed instead, e.g. `0...255` or `csv, tnspk`.
  public var allowed: String?
  /// What is wrong and what is allowed.
  public var message: String

  /// An error naming `file` and, when known, the line, path, field, value and what is allowed.
  public init(
    file: String, line: Int? = nil, path: String? = nil, field: String? = nil, value: String? = nil,
    allowed: String? = nil, message: String
  ) {
    self.file = file
    self.line = line
    self.path = path
    self.field = field
    self.value = value
    self.allowed = allowed
    self.message = message
  }

  /// `file[:line][: path]: message`, one line for a terminal: raw bytes and control characters
  /// escaped, and a path or message too long for a line cut in the middle (`_printable`).
  public var description: String {
    var s = _printable(file, limit: 300)
    if let line { s += ":\(line)" }
    if let path, !path.isEmpty { s += ": " + _printable(path, limit: 200) }
    return s + ": " + _printable(message)
  }
}
