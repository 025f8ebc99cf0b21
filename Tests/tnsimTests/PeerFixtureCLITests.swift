import Foundation
import Testing

/// The shared folder beside the checkout (or `$TNSIM_SHARED`), nil when absent.
enum SharedFolder {
  static let path: String? = {
    if let s = ProcessInfo.processInfo.environment["TNSIM_SHARED"], !s.isEmpty { return s }
    let beside = URL(fileURLWithPath: CLI.root).deletingLastPathComponent().appendingPathComponent("shared").path
    return FileManager.default.fileExists(atPath: beside + "/fixtures") ? beside : nil
  }()
}

/// The command line on a file RANC wrote (`../shared/fixtures`, read in place; skipped with a
/// message only where the folder is absent).
@Suite(.enabled(if: SharedFolder.path != nil, "../shared/fixtures is not beside the checkout (set TNSIM_SHARED)"))
struct PeerFixtureCLITests {
  /// convert, run, diff and validate --expect on RANC's random 5-core network with delays.
  @Test func convertRunAndDiffAgainstRANCsOutput() throws {
    let folder = (SharedFolder.path ?? "../shared") + "/fixtures/ranc/random5"
    let model = CLI.temporary("random5.json"), packets = CLI.temporary("packets.csv"), out = CLI.temporary("out.csv")
    defer { for p in [model, packets, out] { try? FileManager.default.removeItem(atPath: p) } }
    for args in [["convert", folder + "/input.json", model], ["convert", folder + "/input.json", packets],
                 ["run", model, "--input", packets, "--ticks", "300", "--output", out]] {
      let r = try CLI.run(args)
      #expect(r.status == 0, "\(args): \(r.err)")
    }
    let diff = try CLI.run(["diff", folder + "/output.txt", out])
    #expect(diff.status == 0)
    #expect(diff.out == "identical: 10719 spikes in both, compared by (tick, pin), ticks 0...298\n")
    let check = try CLI.run(["validate", model, "--input", folder + "/input.json", "--expect", folder + "/output.txt"])
    #expect(check.status == 0 && check.out.contains("ran 299 ticks; identical: 10719 spikes in both"), "\(check.out)\(check.err)")
  }

  /// `tnsim validate` and `tnsim run` take RANC's input.json itself as the model, its packets as the input.
  @Test(arguments: [("example", 76), ("converter", 76), ("vmm", 29), ("random5", 10_719)])
  func validateTakesRANCsInputAsTheModel(name: String, spikes: Int) throws {
    let folder = (SharedFolder.path ?? "../shared") + "/fixtures/ranc/" + name
    let check = try CLI.run(["validate", folder + "/input.json", "--expect", folder + "/output.txt"])
    #expect(check.status == 0, "\(check.out)\(check.err)")
    #expect(check.out.hasSuffix("; identical: \(spikes) spikes in both, compared by (tick, pin), ticks 0...\(name == "random5" ? 298 : 98)\n"),
      "\(check.out)")
    let out = CLI.temporary("out.csv")
    defer { try? FileManager.default.removeItem(atPath: out) }
    #expect(try CLI.run(["run", folder + "/input.json", "--ticks", name == "random5" ? "299" : "99", "--output", out]).status == 0)
    #expect(try CLI.run(["diff", folder + "/output.txt", out]).status == 0)
  }

  /// `tnsim run` and `tnsim validate` take pytruenorth's IBM model.json itself: the same spikes as
  /// the model converted to tnsim's format first.
  @Test func runAndValidateTakeAnIBMModel() throws {
    let folder = (SharedFolder.path ?? "../shared") + "/fixtures/ibm/tonic"
    let model = CLI.temporary("tonic.json"), direct = CLI.temporary("direct.csv"), converted = CLI.temporary("converted.csv")
    defer { for p in [model, direct, converted] { try? FileManager.default.removeItem(atPath: p) } }
    #expect(try CLI.run(["convert", folder + "/model.json", model]).status == 0)
    let a = try CLI.run(["run", folder + "/model.json", "--input", folder + "/spikes.sfti", "--ticks", "100", "--output", direct])
    let b = try CLI.run(["run", model, "--input", folder + "/spikes.sfti", "--ticks", "100", "--output", converted])
    #expect(a.status == 0 && b.status == 0, "\(a.err)\(b.err)")
    let spikes = try String(contentsOfFile: direct, encoding: .utf8)
    #expect(spikes == (try String(contentsOfFile: converted, encoding: .utf8)))
    #expect(spikes.split(separator: "\n").count > 40, "\(spikes)")
    let check = try CLI.run(["validate", folder + "/model.json"])
    #expect(check.status == 0, "\(check.out)\(check.err)")
    #expect(check.out.contains("2 cores"), "\(check.out)")
  }
}
