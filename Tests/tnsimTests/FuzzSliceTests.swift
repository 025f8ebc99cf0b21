import Foundation
import Testing

/// The fixed-seed slice of the fuzz suite (docs/robustness.md): 500 mutated files per format
/// through every reader, in worker processes, with no trap, hang, case over 1 s, peak memory over
/// the budget or error without the file's name. `make fuzz` runs 10,000 per format.
@Suite struct FuzzSliceTests {
  static var fuzzer: String {
    URL(fileURLWithPath: CLI.executable).deletingLastPathComponent().appendingPathComponent("tnsim-fuzz").path
  }

  @Test func fiveHundredCasesPerFormatGiveNoFailure() throws {
    let failures = CLI.temporary("fuzz-failures")
    defer { try? FileManager.default.removeItem(atPath: failures) }
    let r = try CLI.run(executable: Self.fuzzer, ["--cases", "500", "--seed", "15", "--root", CLI.root, "--failures", failures])
    #expect(r.status == 0, "\(r.out)\n\(r.err)")
    #expect(r.out.contains("tnsim-fuzz: no failures"), "\(r.out)")
    let formats = ["model", "chipdef", "spike-csv", "tnspk", "ibm-model", "sfti", "sfri", "sfro", "ranc-input", "ranc-config", "ranc-output", "network", "network-gz", "topology", "checkpoint"]
    for f in formats {
      #expect(r.out.contains("| \(f) | 500 |"), "\(f) did not run 500 cases:\n\(r.out)")
    }
  }

  @Test func aWorkerThatTrapsIsReportedWithItsCaseAndFile() throws {
    // The self-test reader traps on files of odd length: the supervisor must name each such
    // case, keep its file, and go on with the next case in a new worker.
    let failures = CLI.temporary("fuzz-trap")
    defer { try? FileManager.default.removeItem(atPath: failures) }
    let r = try CLI.run(executable: Self.fuzzer, ["--cases", "20", "--formats", "self-test-trap", "--root", CLI.root, "--failures", failures])
    #expect(r.status == 1, "\(r.out)\n\(r.err)")
    let lines = r.out.split(separator: "\n").filter { $0.hasPrefix("FAIL self-test-trap case") && $0.contains("killed by signal") }
    #expect(!lines.isEmpty, "\(r.out)")
    let saved = (try? FileManager.default.contentsOfDirectory(atPath: failures)) ?? []
    #expect(saved.count == lines.count && saved.allSatisfy { (FileManager.default.contents(atPath: failures + "/" + $0)?.count ?? 0) % 2 == 1 }, "\(saved)")
    #expect(r.out.contains("| self-test-trap | 20 |"), "every case counted once: \(r.out)")
  }
}
