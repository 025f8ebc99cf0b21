import Foundation
import TrueNorthIO

extension Sweep {
  /// Whether `head` (a file's first bytes) starts like a sweep's CSV: its header line, or the
  /// `# tnsim sweep:` settings line that files written before `sweep-settings.txt` start with.
  public static func isCSV(_ head: [UInt8]) -> Bool {
    head.starts(with: Array((columns.joined(separator: ",") + "\n").utf8)) || head.starts(with: Array("# tnsim sweep:".utf8))
  }

  /// A summary of the sweep CSV at `path` for `tnsim info`: its settings (from
  /// `sweep-settings.txt` beside it, or the first line of an older file), the points done and
  /// their table.
  /// - Throws: `InputError` naming the file and line when it is not a sweep CSV as written.
  public static func summary(csv path: String) throws(InputError) -> String {
    let text = String(decoding: try readFile(path), as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    var settings: String?
    var firstLine = 1
    if let first = lines.first, first.hasPrefix("# tnsim sweep:") {
      settings = String(first.dropFirst(15))
      lines.removeFirst()
      firstLine = 2
    } else {
      let beside = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("sweep-settings.txt").path
      if let bytes = try? readFile(beside) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
        settings = line.hasPrefix("tnsim sweep: ") ? String(line.dropFirst(13)) : line
      }
    }
    guard let header = lines.first?.split(separator: ",").map(String.init), header == columns else {
      throw InputError(file: path, line: firstLine, message: "the header is not \(columns.joined(separator: ","))")
    }
    var rows: [[String: String]] = []
    for (n, line) in lines.dropFirst().enumerated() {
      let values = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard values.count == header.count else {
        throw InputError(file: path, line: n + firstLine + 1, message: "expected \(header.count) fields, found \(values.count)")
      }
      rows.append(Dictionary(zip(header, values), uniquingKeysWith: { a, _ in a }))
    }
    return "sweep CSV        \(rows.count) point\(rows.count == 1 ? "" : "s")\n  settings      "
      + _printable(settings ?? "unknown (no sweep-settings.txt beside it)", limit: 300) + "\n\n" + markdown(rows)
  }
}
