import Foundation
import Testing

/// The corpus of reproducers (`Tests/Corpus`, docs/robustness.md): every file of
/// `Tests/Corpus/MANIFEST.tsv` read in-process by its format's reader (`tnsim-fuzz --corpus`)
/// gives a clean error naming the file and holding the manifest's fragment, within a second.
@Suite struct RobustnessCorpusTests {
  static var corpus: String { CLI.root + "/Tests/Corpus" }

  @Test func everyCorpusFileGivesItsCleanError() throws {
    let r = try CLI.run(executable: FuzzSliceTests.fuzzer, ["--corpus", "--root", CLI.root])
    #expect(r.status == 0, "\(r.out)\n\(r.err)")
    let listed = try String(contentsOfFile: Self.corpus + "/MANIFEST.tsv", encoding: .utf8)
      .split(separator: "\n").filter { !$0.hasPrefix("#") }.count
    #expect(listed >= 25 && r.out.contains("corpus: \(listed) files, \(listed) clean errors, 0 failures"), "\(r.out)")
  }

  @Test func everyCorpusFileIsListed() throws {
    let listed = Set(try String(contentsOfFile: Self.corpus + "/MANIFEST.tsv", encoding: .utf8)
      .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0.split(separator: "\t")[1]) })
    let files = Set(try FileManager.default.subpathsOfDirectory(atPath: Self.corpus).filter { $0.contains("/") })
    #expect(files == listed, "files not in the manifest: \(files.subtracting(listed)); listed but missing: \(listed.subtracting(files))")
  }

  /// The check fails on a wrong fragment, on a file that is accepted, and on an unknown format.
  @Test func theCheckCanFail() throws {
    let dir = CLI.temporary("corpus")
    try FileManager.default.createDirectory(atPath: dir + "/topology", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.copyItem(atPath: Self.corpus + "/topology/range-count-1e9.json", toPath: dir + "/topology/a.json")
    _ = FileManager.default.createFile(atPath: dir + "/topology/good.json", contents: Data(
      #"{"format": "tnsim-topology", "version": 1, "name": "t", "input": {"rows": 2, "columns": 2}, "classes": 2, "layers": [{"cores": [{"range": {"start": 0, "count": 4}, "neurons": 2}]}]}"#.utf8))
    let manifest = "topology\ttopology/a.json\t: input: \twrong path\ntopology\ttopology/good.json\t\tvalid\nnope\ttopology/a.json\t\tunknown\n"
    _ = FileManager.default.createFile(atPath: dir + "/MANIFEST.tsv", contents: Data(manifest.utf8))
    let r = try CLI.run(executable: FuzzSliceTests.fuzzer, ["--corpus", dir, "--root", CLI.root])
    #expect(r.status == 1, "\(r.out)\n\(r.err)")
    #expect(r.out.contains("FAIL topology/a.json: the error does not hold \": input: \""), "\(r.out)")
    #expect(r.out.contains("FAIL topology/good.json: accepted"), "\(r.out)")
    #expect(r.out.contains("FAIL topology/a.json: unknown format nope"), "\(r.out)")
    #expect(r.out.contains("corpus: 3 files, 0 clean errors, 3 failures"), "\(r.out)")
  }
}
