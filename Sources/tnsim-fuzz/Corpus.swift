import Foundation

/// The corpus of reproducers (`Tests/Corpus`, docs/robustness.md): files that once trapped,
/// hung or exhausted a reader, or gave an unhelpful error. `MANIFEST.tsv` lists each with its
/// format (a fuzz target's name), the fragment its error must hold and what it once did; every
/// file must give a clean error naming it, holding the fragment, within the per-case time.
/// The files are also seeds of their format's fuzz cases.
struct CorpusEntry {
  var format: String
  /// The file, relative to the corpus folder.
  var file: String
  /// Text the error must contain (besides the file's path); may be empty.
  var fragment: String
  var why: String
}

enum Corpus {
  /// The corpus folder of the repository at `root`.
  static func folder(root: String) -> String { root + "/Tests/Corpus" }

  /// The entries of `folder/MANIFEST.tsv` (tab-separated; `#` starts a comment line).
  static func entries(folder: String) throws -> [CorpusEntry] {
    let manifest = folder + "/MANIFEST.tsv"
    guard let data = FileManager.default.contents(atPath: manifest) else { throw FuzzSetupError(message: "\(manifest): no such file") }
    var out: [CorpusEntry] = []
    for (k, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() where !line.hasPrefix("#") {
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard f.count >= 3 else { throw FuzzSetupError(message: "\(manifest):\(k + 1): expected format, file, fragment, why (tab-separated)") }
      out.append(CorpusEntry(format: f[0], file: f[1], fragment: f[2], why: f.count > 3 ? f[3] : ""))
    }
    return out
  }

  /// The corpus files of `format` in the repository at `root`, as extra fuzz seeds (none when
  /// there is no corpus).
  static func seeds(root: String, format: String) -> [[UInt8]] {
    let folder = folder(root: root)
    guard let entries = try? entries(folder: folder) else { return [] }
    return entries.filter { $0.format == format }.compactMap { e in FileManager.default.contents(atPath: folder + "/" + e.file).map { [UInt8]($0) } }
  }

  /// Reads every corpus file with its format's reader and prints one line per file; returns the
  /// exit status: 0 when each gives a clean error naming it and holding its fragment in time.
  static func check(folder: String, targets: [FuzzTarget]) -> Int32 {
    let entries: [CorpusEntry]
    do { entries = try Self.entries(folder: folder) } catch { fail("\(error)") }
    var failures = 0
    for e in entries {
      let path = folder + "/" + e.file
      var problem: String?
      var message = ""
      if let t = targets.first(where: { $0.name == e.format }) {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
          try t.read(path)
          problem = "accepted; expected an error holding \"\(e.fragment)\""
        } catch {
          message = "\(error)"
          if !message.contains(path) { problem = "the error does not name the file" }
          else if !e.fragment.isEmpty && !message.contains(e.fragment) { problem = "the error does not hold \"\(e.fragment)\"" }
          else if hasRawBytes(message) { problem = "raw bytes in the error" }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if seconds > caseSeconds { problem = "took \(String(format: "%.2f", seconds)) s" }
      } else {
        problem = "unknown format \(e.format)"
      }
      if let problem {
        failures += 1
        emit("FAIL \(e.file): \(problem): \(message.prefix(300))")
      } else {
        emit("ok   \(e.file): \(message.prefix(200))")
      }
    }
    emit("corpus: \(entries.count) files, \(entries.count - failures) clean errors, \(failures) failures")
    return failures == 0 ? 0 : 1
  }
}
