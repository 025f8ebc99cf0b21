import Foundation
import Testing

/// `tnsim run --output` in every spike format, `--output-format`, failed runs, and the wording of
/// bad flags (`UsageError`).
@Suite struct SpikeOutputCLITests {
  static let run = ["run", "examples/neurons/model.json", "--input", "examples/neurons/input.csv", "--ticks", "30", "--record", "all"]

  /// The run's spikes written as `name` (and `--output-format F` when given) hold the same spikes
  /// as its CSV: identical by `diff` (by pin for RANC's output), and in the format asked for.
  @Test(arguments: [
    ("out.sfro", nil, "sfro"), ("out.txt", nil, "ranc-output"), ("out.tnspk", nil, "tnspk"), ("out.dat", "tnspk", "tnspk"),
    ("out.bin", "sfro", "sfro"), ("out.unknown", nil, "csv"),
  ])
  func runWritesTheFormatItsOutputNames(name: String, flag: String?, format: String) throws {
    let dir = CLI.temporary("formats")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let csv = dir + "/out.csv", out = dir + "/" + name
    #expect(try CLI.run(Self.run + ["--output", csv]).status == 0)
    let r = try CLI.run(Self.run + ["--output", out] + (flag.map { ["--output-format", $0] } ?? []))
    #expect(r.status == 0, "\(r.err)")
    let head = [UInt8](FileManager.default.contents(atPath: out) ?? Data()).prefix(64)
    switch format {
    case "sfro": #expect(String(decoding: head, as: UTF8.self).contains("\"RAWO6\""))
    case "ranc-output": #expect(head.starts(with: [0xEF, 0xBB, 0xBF]))
    case "tnspk": #expect(head.starts(with: Array("TNSPIKES".utf8)))
    default: #expect(head.starts(with: Array("tick,core,neuron,pin\n".utf8)))
    }
    // The neuron example's spikes go to axons (pin -1): RANC's output holds none of them.
    let d = try CLI.run(["diff", csv, out] + (format == "ranc-output" ? ["--by", "pin"] : []))
    #expect(d.status == 0, "\(d.out)\(d.err)")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(files.sorted() == ["out.csv", name].sorted())
  }

  /// An extension naming a format that cannot hold the spikes is refused, and no file is left:
  /// `run --output` to input formats, `convert` of output spikes to an input format and back.
  @Test(arguments: [
    (["run"], "x.sfti", "sfti holds input spikes; the output holds output spikes"),
    (["run"], "x.sfri", "sfri holds input spikes; the output holds output spikes"),
    (["convert", "OUT.csv"], "x.sfti", "OUT.csv: holds output spikes (tick, core, neuron, pin); sfti (IBM text) holds input spikes only"),
    (["convert", "OUT.csv"], "x.sfri", "OUT.csv: holds output spikes (tick, core, neuron, pin); sfri (IBM RAWI3) holds input spikes only"),
    (["convert", "examples/neurons/input.csv"], "x.sfro",
     "input.csv: holds input spikes (tick, core, axon); sfro (IBM RAWO6) holds output spikes only: to write these input spikes, "
       + "convert to one of csv, tnspk, sfti, sfri (e.g. --to sfri); to get IBM RAWO6 output spikes, run a model on them: tnsim run MODEL --input"),
  ])
  func aFormatThatCannotHoldTheSpikesIsRefused(command: [String], name: String, message: String) throws {
    let dir = CLI.temporary("refused")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(try CLI.run(Self.run + ["--output", dir + "/OUT.csv"]).status == 0)
    let args = command == ["run"] ? Self.run + ["--output", dir + "/" + name]
      : ["convert", command[1].replacingOccurrences(of: "OUT.csv", with: dir + "/OUT.csv"), dir + "/" + name]
    let r = try CLI.run(args)
    #expect(r.status == 1)
    #expect(r.err.contains(message), "\(r.err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["OUT.csv"])
  }

  @Test func aFailedRunLeavesNoSpikeFile() throws {
    let dir = CLI.temporary("failed")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // A spike to an axon of an unconfigured core stops the run.
    try "tick,core,axon\n0,0,0\n3,9,1\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", "examples/neurons/model.json", "--input", dir + "/bad.csv", "--ticks", "10", "--output", dir + "/out.csv"])
    #expect(r.status == 1)
    #expect(r.err.contains("\(dir)/bad.csv:3: spike to core 9 axon 1"), "\(r.err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["bad.csv"])
  }

  @Test(arguments: [
    (["run", "examples/neurons/model.json", "--ticks", "3", "--output", "x.csv", "--output-format", "sfti"],
     "tnsim run: --output-format: 'sfti' is not allowed; use one of csv, tnspk, sfro, ranc-output"),
    (["run", "examples/neurons/model.json", "--ticks", "3", "--output-format", "csv"], "tnsim run: --output-format: needs --output SPIKES"),
    (["run", "examples/neurons/model.json", "--ticks", "3", "--fidelity", "x"], "tnsim run: --fidelity: 'x' is not allowed; use tick or cycle"),
    (["run", "examples/neurons/model.json", "--ticks", "3", "--strict", "--fidelity", "tick"],
     "tnsim run: --fidelity: --strict and --report need --fidelity cycle"),
    (["run", "examples/neurons/model.json", "--ticks=3", "--json=yes"], "tnsim run: --json: takes no value"),
    (["run", "examples/neurons/model.json", "--ticks"], "tnsim run: --ticks: needs a value N"),
    (["validate", "examples/neurons/model.json", "--expect", "examples/neurons/input.csv"],
     "tnsim validate: --ticks: give --ticks N (or --input, to run until the input ends)"),
    (["convert", "a"], "tnsim convert: expected IN and OUT, got 1 arguments"),
    (["convert", "examples/neurons/input.csv", "x.foo"],
     "tnsim convert: --to: cannot tell the output format from 'x.foo'; give --to tnsim|ibm|ranc|csv|tnspk|sfti|sfri|sfro|ranc-output"),
    (["convert", "a", "b", "--from", "zz"], "tnsim convert: --from: 'zz' is not a format; allowed: tnsim, ibm, ranc, csv, tnspk, sfti, sfri, sfro, ranc-output"),
    (["diff", "a", "b", "--by", "x"], "tnsim diff: --by: 'x' is not allowed; use neuron or pin"),
    (["bench", "--threads", "3"], "tnsim bench: --threads: '3' is not allowed; use 1, all or both"),
    (["bench", "nope"], "tnsim bench: nope: no such benchmark; use one of mnist-stream, mnist-64, chip-20hz, dense-random, board-16, spike-files, model-load, ranc-5core-files"),
    (["generate", "other"], "tnsim generate: expected the generator name: random"),
  ])
  func badFlagsKeepTheirWording(args: [String], line: String) throws {
    let r = try CLI.run(args)
    #expect(r.status == 1)
    #expect(r.err == line + "\n", "\(r.err)")
  }

  @Test func infoReadsEveryKindOfFile() throws {
    let ibm = try CLI.run(["info", "examples/interop/ibm/model.json", "--chip", "tiny"])
    #expect(ibm.status == 0, "\(ibm.err)")
    #expect(ibm.out.contains("3 configured"), "\(ibm.out)")
    let sfti = try CLI.run(["info", "examples/interop/ibm/input.sfti"])
    #expect(sfti.out.hasPrefix("IBM text spike file of input spikes"), "\(sfti.out)\(sfti.err)")
    #expect(sfti.out.contains("spikes        4"))
    let ranc = try CLI.run(["info", "examples/interop/ranc/output.txt"])
    #expect(ranc.out.hasPrefix("RANC output text spike file of output spikes"), "\(ranc.out)\(ranc.err)")
    let packets = try CLI.run(["info", "examples/interop/ranc/input.json", "--chip", "tiny"])
    // A RANC input.json is a model and its packets: info summarises both, with config.json beside it.
    #expect(packets.out.hasPrefix("RANC input.json: model on tiny") && packets.out.contains("packets       2 input spikes"),
      "\(packets.out)\(packets.err)")
  }

  @Test func validateJSONIsOneObjectWithTraffic() throws {
    let r = try CLI.run(["validate", "examples/neurons/model.json", "--json", "--traffic", "examples/neurons/input.csv"])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasPrefix("{\"fits\": true, \"cores\": 1, \"violations\": [], \"traffic\": {\"input\": \"examples/neurons/input.csv\", \"ticks\": 25, "), "\(r.out)")
    #expect(r.out.split(separator: "\n").count == 1)
  }
}
