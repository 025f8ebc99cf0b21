import Foundation
import TrueNorthIO

extension Sweep {
  /// Whether `head` (a file's first bytes) starts like a sweep's CSV (`# tnsim sweep:`).
  public static func isCSV(_ head: [UInt8]) -> Bool { head.starts(with: Array("# tnsim sweep:".utf8)) }

  /// A summary of the sweep CSV at `path` for `tnsim info`: its settings, the points done and
  /// their table.
  /// - Throws: `InputError` naming the file and line when it is not a sweep CSV as written.
  public static func summary(csv path: String) throws(InputError) -> String {
    let text = String(decoding: try readFile(path), as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    guard let settings = lines.first, settings.hasPrefix("# tnsim sweep:") else {
      throw InputError(file: path, line: 1, message: "is not a sweep CSV (it starts with \"# tnsim sweep:\")")
    }
    lines.removeFirst()
    guard let header = lines.first?.split(separator: ",").map(String.init), header == columns else {
      throw InputError(file: path, line: 2, message: "the header is not \(columns.joined(separator: ","))")
    }
    var rows: [[String: String]] = []
    for (n, line) in lines.dropFirst().enumerated() {
      let values = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard values.count == header.count else {
        throw InputError(file: path, line: n + 3, message: "expected \(header.count) fields, found \(values.count)")
      }
      rows.append(Dictionary(zip(header, values), uniquingKeysWith: { a, _ in a }))
    }
    return "sweep CSV        \(rows.count) point\(rows.count == 1 ? "" : "s")\n  settings      "
      + _printable(settings.dropFirst(15), limit: 300) + "\n\n" + markdown(rows)
  }
}
