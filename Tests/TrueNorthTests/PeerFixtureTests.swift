import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The files RANC and the IBM toolchain wrote themselves (`../shared/fixtures`, read in place,
/// never copied into the repository; README.md of each folder there says where they come from).
enum PeerFixtures {
  /// The shared folder: `$TNSIM_SHARED` when set (then it must hold the fixtures), else `shared`
  /// beside the checkout, or nil when there is none.
  static let shared: String? = {
    if let s = ProcessInfo.processInfo.environment["TNSIM_SHARED"], !s.isEmpty { return s }
    let root = URL(fileURLWithPath: #filePath.components(separatedBy: "/Tests/").first ?? ".")
    let beside = root.deletingLastPathComponent().appendingPathComponent("shared").path
    return FileManager.default.fileExists(atPath: beside + "/fixtures") ? beside : nil
  }()

  static let absent = "../shared/fixtures is not beside the checkout (set TNSIM_SHARED to the folder that holds fixtures/)"

  static func path(_ name: String) -> String { (shared ?? "../shared") + "/fixtures/" + name }

  static func truenorth() throws -> ChipDefinition { try ChipDefinition.load(path: chipdefPath("truenorth")) }

  /// The lines of a RANC output text: the ticks RANC ran.
  static func lines(_ path: String) throws -> Int {
    try readFile(path).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
  }
}

/// RANC's own inputs, converted by tnsim, run to exactly the output RANC wrote for them.
@Suite(.enabled(if: PeerFixtures.shared != nil, "\(PeerFixtures.absent)"))
struct RANCPeerFixtureTests {
  /// Each fixture with the ticks RANC ran and the spikes its output holds (fixtures/ranc/README.md).
  static let fixtures: [(name: String, ticks: Int, spikes: Int)] = [
    ("example", 100, 76), ("converter", 100, 76), ("vmm", 100, 29), ("random5", 300, 10_719),
  ]

  /// `tnsim convert` (model and packets), a run, and `tnsim diff` against RANC's `output.txt`:
  /// identical over the ticks the output holds (0...N - 2 for N lines); written as an output text,
  /// the run is RANC's file byte for byte.
  @Test(arguments: fixtures)
  func convertsRunsAndDiffsIdentical(fixture: (name: String, ticks: Int, spikes: Int)) throws {
    let folder = PeerFixtures.path("ranc/" + fixture.name)
    let dir = InteropFixtures.temporary("peer-" + fixture.name)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try Conversion.run(ConversionRequest(input: folder + "/input.json", output: dir + "/model.json"))
    _ = try Conversion.run(ConversionRequest(input: folder + "/input.json", output: dir + "/packets.csv"))
    #expect(try PeerFixtures.lines(folder + "/output.txt") == fixture.ticks)

    let model = try Model.load(path: dir + "/model.json")
    let simulator = try Simulator(model: model, threads: 1)
    let output = MemorySpikeSink<OutputSpike>()
    _ = try simulator.run(ticks: Int64(fixture.ticks), inputFile: try SpikeFormat.openInput(dir + "/packets.csv"), output: output)
    let csv = try SpikeWriter<OutputSpike>(path: dir + "/out.csv")
    for s in output.records { try csv.write(s) }
    try csv.close()

    // The run's spikes written as RANC's output text are RANC's file, byte for byte (the last
    // tick, which RANC does not write, left out).
    let expected = try readFile(folder + "/output.txt")
    let outputs = expected.prefix { $0 != 0x0A }.filter { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }.count
    let written = try RANCOutputFile.bytes(output.records.filter { $0.tick < Int64(fixture.ticks - 1) }, ticks: fixture.ticks, outputs: outputs)
    #expect(written == expected)

    let diff = try SpikeDiff.compare(expected: folder + "/output.txt", actual: dir + "/out.csv")
    let first = diff.report().split(separator: "\n").first.map(String.init) ?? ""
    #expect(first == "identical: \(fixture.spikes) spikes in both, compared by (tick, pin), ticks 0...\(fixture.ticks - 2)",
      "\(diff.report())")
    #expect(diff.ticks == 0..<Int64(fixture.ticks - 1))

    // validate --expect: the model on RANC's packets, for the ticks the output holds.
    let (summary, check) = try MappingCheck.run(model: model, input: folder + "/input.json", ticks: nil, recordAll: false,
      expected: folder + "/output.txt")
    #expect(check.identical && check.expectedCount == fixture.spikes, "\(check.report())")
    #expect(summary.ticks == Int64(fixture.ticks - 1))
  }

  /// Exported to RANC and imported again, each fixture is the same model with the same packets.
  @Test(arguments: fixtures.map(\.name))
  func reExportedAndReImportedIsTheSameModel(name: String) throws {
    let folder = PeerFixtures.path("ranc/" + name)
    let chip = try PeerFixtures.truenorth()
    let (model, packets) = try RANCModelFiles.load(input: folder + "/input.json", config: folder + "/config.json", chip: chip)
    #expect(!packets.records.isEmpty)
    let (input, configBytes) = try RANCModelFiles.export(model, inputs: packets.records)
    let config = try RANCModelFiles.parseConfig(configBytes, file: "config.json", chip: chip)
    let (back, again) = try RANCModelFiles.parse(input: input, file: "input.json", config: config, chip: chip)
    #expect(back == model)
    #expect(again.records == packets.records)
  }

  /// The evidence for the tick mapping: read the old way (packets[t] at tick t + 1 + d, line k at
  /// tick k - 1), the random network with delays misses 638 of RANC's spikes and adds 531.
  @Test func theOldTickReadingDisagreesWithRANC() throws {
    let folder = PeerFixtures.path("ranc/random5")
    let (model, packets) = try RANCModelFiles.load(input: folder + "/input.json", config: folder + "/config.json",
      chip: try PeerFixtures.truenorth())
    var source = try SpikeFormat.openOutput(folder + "/output.txt")
    let ranc = try source.readAll()
    let lines = try PeerFixtures.lines(folder + "/output.txt")
    let shifted = packets.records.map { InputSpike(tick: $0.tick + 1, core: $0.core, axon: $0.axon) }
    let run = try InteropFixtures.run(model, inputs: shifted, ticks: lines, recordAll: false)
    let old = SpikeDiff.compare(expected: ranc.map { OutputSpike(tick: $0.tick + 1, core: -1, neuron: -1, pin: $0.pin) },
      actual: run, ticks: 0..<Int64(lines))
    #expect(old.missing == 638 && old.extra == 531, "\(old.report())")
  }
}

/// pytruenorth's tonic-spiking example (fixtures/ibm/tonic): tnsim gives the period and phase its
/// example states for all four output neurons, from either input file.
@Suite(.enabled(if: PeerFixtures.shared != nil, "\(PeerFixtures.absent)"))
struct IBMPeerFixtureTests {
  /// (core, neuron) -> (period, phase), from fixtures/ibm/README.md.
  static let stated: [[Int]: [Int]] = [[0, 0]: [10, 0], [0, 1]: [10, 9], [0, 2]: [6, 0], [1, 7]: [5, 1]]

  @Test(arguments: ["spikes.sfti", "spikes.sfri"])
  func tonicSpikingGivesTheStatedPeriodsAndPhases(spikes: String) throws {
    let folder = PeerFixtures.path("ibm/tonic")
    let model = try IBMModelFile.load(path: folder + "/model.json", chip: try PeerFixtures.truenorth())
    var source = try SpikeFormat.openInput(folder + "/" + spikes)
    let inputs = try source.readAll()
    #expect(inputs.count == 200)
    let out = try InteropFixtures.run(model, inputs: inputs, ticks: 100, recordAll: false)
    var ticks: [[Int]: [Int]] = [:]
    for s in out { ticks[[Int(s.core), Int(s.neuron)], default: []].append(Int(s.tick)) }
    #expect(Set(ticks.keys) == Set(Self.stated.keys))
    for (neuron, want) in Self.stated {
      let t = ticks[neuron] ?? []
      try #require(t.count >= 3, "neuron \(neuron) fired \(t.count) times")
      // period = mean gap from the second spike on; phase = (first spike tick + 1) mod period.
      let gaps = zip(t.dropFirst(), t.dropFirst(2)).map { $1 - $0 }
      #expect(gaps.allSatisfy { $0 == want[0] }, "neuron \(neuron): gaps \(gaps)")
      #expect((t[0] + 1) % want[0] == want[1], "neuron \(neuron): first spike in tick \(t[0])")
    }
  }

  /// The tonic run written as `.sfro` is what pytruenorth's analysis reads (issue 21): decoded as
  /// pytruenorth does (skip to 0xFF, six big-endian uint32, columns 0, 3, 4), each neuron's spikes
  /// are under destination core -32 and its pin, at the stated period and phase.
  @Test func sfroIsReadAsPytruenorthReadsIt() throws {
    let folder = PeerFixtures.path("ibm/tonic")
    let model = try IBMModelFile.load(path: folder + "/model.json", chip: try PeerFixtures.truenorth())
    var source = try SpikeFormat.openInput(folder + "/spikes.sfti")
    let out = try InteropFixtures.run(model, inputs: try source.readAll(), ticks: 100, recordAll: false)
    let path = InteropFixtures.temporary("tonic.sfro")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let sink = try SpikeFormat.createOutput(path)
    for s in out { try sink.write(s) }
    try sink.close()

    // pytruenorth: f.read until 0xFF, then np.fromfile(dtype '>u4').reshape(-1, 6)[:, [0, 3, 4]].
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let start = try #require(bytes.firstIndex(of: 0xFF)) + 1
    #expect((bytes.count - start) % 24 == 0)
    func field(_ k: Int, _ f: Int) -> UInt32 {
      let o = start + k * 24 + f * 4
      return bytes[o..<o + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
    var ticks: [[Int]: [Int]] = [:]
    for k in 0..<(bytes.count - start) / 24 {
      ticks[[Int(Int32(bitPattern: field(k, 3))), Int(field(k, 4))], default: []].append(Int(field(k, 0)))
    }
    let pins: [[Int]: [Int]] = [[0, 0]: [-32, 0], [0, 1]: [-32, 1], [0, 2]: [-32, 2], [1, 7]: [-32, 123]]
    #expect(Set(ticks.keys) == Set(pins.values))
    for (neuron, want) in Self.stated {
      let t = ticks[pins[neuron]!] ?? []
      try #require(t.count >= 3, "destination \(pins[neuron]!) has \(t.count) spikes")
      let gaps = zip(t.dropFirst(), t.dropFirst(2)).map { $1 - $0 }
      #expect(gaps.allSatisfy { $0 == want[0] }, "neuron \(neuron): gaps \(gaps)")
      #expect((t[0] + 1) % want[0] == want[1], "neuron \(neuron): first spike in tick \(t[0])")
    }
    // tnsim reads its own file back with the neurons (fields 1 and 2).
    var back = try SpikeFormat.openOutput(path)
    #expect(try back.readAll() == out)
  }

  /// A recording in NSCS's layout (no `tnsimLayout` in the header, destination core -32, fields
  /// 1, 2 and 5 whatever NSCS puts there) compares with a tnsim run by (tick, pin) in `diff` and
  /// `validate --expect`: identical as recorded, and one spike moved by a tick is found.
  @Test func nscsRecordingComparesByTickAndPin() throws {
    let folder = PeerFixtures.path("ibm/tonic")
    let model = try IBMModelFile.load(path: folder + "/model.json", chip: try PeerFixtures.truenorth())
    var source = try SpikeFormat.openInput(folder + "/spikes.sfti")
    let out = try InteropFixtures.run(model, inputs: try source.readAll(), ticks: 100, recordAll: false)
    func nscs(_ spikes: [OutputSpike]) -> [UInt8] {
      var b = Array("{\"class\":\"SpikeWriter\",\"nscsVersion\":\"1.4.0\",\"encoding\":\"RAWO6\"}".utf8) + [0xFF]
      for s in spikes {
        for v in [UInt32(s.tick), 0xDEAD, 77, UInt32(bitPattern: -32), UInt32(s.pin), 5] {
          b += [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)]
        }
      }
      return b
    }
    let same = InteropFixtures.write(nscs(out), "nscs.sfro")
    var moved = out
    moved[3].tick += 1
    let off = InteropFixtures.write(nscs(moved), "nscs-off.sfro")
    let csv = InteropFixtures.temporary("run.csv")
    defer { [same, off, csv].forEach { try? FileManager.default.removeItem(atPath: $0) } }
    let w = try SpikeFormat.createOutput(csv)
    for s in out { try w.write(s) }
    try w.close()

    var read = try SpikeFormat.openOutput(same)
    let recorded = try read.readAll()
    #expect(recorded.map { [$0.tick, Int64($0.core), Int64($0.neuron), Int64($0.pin)] }
      == out.map { [$0.tick, -1, -1, Int64($0.pin)] })
    let diff = try SpikeDiff.compare(expected: same, actual: csv)
    #expect(diff.identical && diff.matching == .pin && diff.expectedCount == out.count, "\(diff.report())")
    let bad = try SpikeDiff.compare(expected: off, actual: csv)
    #expect(bad.missing == 1 && bad.extra == 1, "\(bad.report())")
    let (_, check) = try MappingCheck.run(model: model, input: folder + "/spikes.sfti", ticks: 100, recordAll: false, expected: same)
    #expect(check.identical && check.expectedCount == out.count, "\(check.report())")
    let (_, wrong) = try MappingCheck.run(model: model, input: folder + "/spikes.sfti", ticks: 100, recordAll: false, expected: off)
    #expect(!wrong.identical)
  }
}
