import Foundation
import Testing

/// `tnsim run --trace`: membrane potentials per tick as CSV and in the report.
@Suite struct TraceCLITests {
  static let example = ["run", "examples/neurons/model.json", "--input", "examples/neurons/input.csv", "--ticks", "30", "--record", "all"]

  @Test func theTraceOfTheNeuronExampleIsItsDocumentedDynamics() throws {
    let csv = CLI.temporary("traces.csv"), plain = CLI.temporary("plain.csv"), traced = CLI.temporary("traced.csv")
    defer { for f in [csv, plain, traced] { try? FileManager.default.removeItem(atPath: f) } }
    let r = try CLI.run(Self.example + ["--trace", "0:0,0:1,0:3", "--trace-output", csv, "--output", traced])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("trace            \(csv)"))
    let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(lines.count == 31)
    #expect(lines.first == "tick,0:0,0:1,0:3")
    let rows = lines.dropFirst().map { $0.split(separator: ",").map { Int($0)! } }
    #expect(rows.map { $0[0] } == Array(0..<30))
    // Tonic neuron 0: leak +1, fires at 5 and resets to 0 (spikes at 4, 9, ...).
    #expect(rows.map { $0[1] } == (0..<30).map { ($0 + 1) % 5 })
    // Integrator 1: +1 per input spike (ticks 0...8), fires at 3, silent afterwards.
    #expect(rows.map { $0[2] } == [1, 2, 0, 1, 2, 0, 1, 2, 0] + Array(repeating: 0, count: 21))
    // Oscillator 3: leak +3, linear reset by 10.
    #expect(Array(rows.map { $0[3] }.prefix(10)) == [3, 6, 9, 2, 5, 8, 1, 4, 7, 0])
    // Tracing changes no spike.
    #expect(try CLI.run(Self.example + ["--output", plain]).status == 0)
    #expect(FileManager.default.contents(atPath: plain) == FileManager.default.contents(atPath: traced))
  }

  @Test func aReportHoldsTheTraceAndItsPicture() throws {
    let dir = CLI.temporary("report")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try CLI.run(Self.example + ["--trace", "0:5,0:6", "--report", dir])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("traces.csv, traces.svg"))
    let csv = try String(contentsOfFile: dir + "/traces.csv", encoding: .utf8)
    #expect(csv.hasPrefix("tick,0:5,0:6\n0,"))
    let svg = try String(contentsOfFile: dir + "/traces.svg", encoding: .utf8)
    #expect(svg.contains(">0:5</text>") && svg.contains(">0:6</text>"))
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
  }

  @Test(arguments: [
    (["--trace", "0:256", "--trace-output", "x.csv"], "--trace: neuron 256 is out of range; allowed: 0...255"),
    (["--trace", "3:1", "--trace-output", "x.csv"], "--trace: core 3 is not configured in the model; configured cores: 0"),
    (["--trace", "0.1", "--trace-output", "x.csv"], "--trace: '0.1' is not CORE:NEURON"),
    (["--trace", "0:1"], "--trace: needs --trace-output FILE or --report DIR"),
    (["--trace-output", "x.csv"], "--trace-output: needs --trace CORE:NEURON,..."),
  ])
  func badTraceFlagsSayWhatIsWrong(args: [String], message: String) throws {
    let r = try CLI.run(Self.example + args)
    #expect(r.status != 0)
    #expect(r.err.contains(message), "\(r.err)")
    #expect(!FileManager.default.fileExists(atPath: CLI.root + "/x.csv"))
  }
}
