import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The cycle model of issue 15's chip-definition reproducers: a huge finite `tickSeconds` or
/// `clockHz` trapped converting the tick budget to Int in every cycle-fidelity command. The
/// files themselves are in the corpus, `Tests/Corpus/chipdef` (`RobustnessCorpusTests`).
@Suite struct ChipDefinitionRobustnessTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func tiny() throws -> String {
    try String(contentsOf: root.appendingPathComponent("chipdefs/tiny.json"), encoding: .utf8)
  }

  @Test func theTinyChipStillLoads() throws {
    let chip = try ChipDefinition.parse(Array(try Self.tiny().utf8), file: "tiny.json")
    #expect(CycleModel(chip: chip).budgetCycles > 0)
  }

  @Test func aBudgetBeyondIntSaturatesInsteadOfTrapping() throws {
    var chip = try ChipDefinition.parse(Array(try Self.tiny().utf8), file: "tiny.json")
    chip.tickSeconds = 1e10
    chip.routing.clockHz = 1e12
    #expect(CycleModel(chip: chip).budgetCycles == Int.max)
    chip.tickSeconds = .nan
    #expect(CycleModel(chip: chip).budgetCycles == 0)
  }
}

/// Resources: a tick a target format cannot hold is refused naming the spike; a failed or
/// killed write leaves no temporary behind.
@Suite struct ResourceRobustnessTests {
  static func temporaryFolder() throws -> String {
    let dir = NSTemporaryDirectory() + "tnsim-robust-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test(arguments: ["tnspk", "csv"])
  func anSfriTickPastUInt32IsRefusedNamingTheSpike(_ ext: String) throws {
    let dir = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // srcTime 0xFFFFFFFF with a delay of 15 is tick 4294967310: it wrapped to 14 in .tnspk.
    func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
    let bytes = IBMSpikeFile.headerBytes(encoding: "RAWI3", delay: 15) + be(1) + be(0) + be(3) + be(0xFFFF_FFFF) + be(0) + be(7)
    FileManager.default.createFile(atPath: dir + "/in.sfri", contents: Data(bytes))
    var request = ConversionRequest(input: dir + "/in.sfri", output: dir + "/out." + ext)
    request.chip = "tiny"
    do {
      _ = try Conversion.run(request)
      Issue.record("the tick was written")
    } catch let e as InputError {
      #expect(e.file == dir + "/out." + ext && e.path == "spike 2" && e.field == "tick" && e.value == "4294967310", "\(e)")
      #expect(e.description.contains("tick 4294967310, core 0, axon 7"), "\(e)")
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(left == ["in.sfri"], "a failed write left \(left)")
  }

  @Test func staleTemporariesOfADeadWriterAreRemovedByTheNextWrite() throws {
    let dir = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // A pid above the kernel's maximum (4194304) cannot be running; our own is.
    let dead = dir + "/.net.json.2147483000-1a2b.partial"
    let live = dir + "/.net.json.\(getpid())-3c4d.partial"
    let other = dir + "/.other.json.2147483000-1a2b.partial"
    for p in [dead, live, other] { FileManager.default.createFile(atPath: p, contents: Data([1, 2, 3])) }
    try writeFileAtomically(Array("{}".utf8), to: dir + "/net.json")
    let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
    #expect(left == [".net.json.\(getpid())-3c4d.partial", ".other.json.2147483000-1a2b.partial", "net.json"], "\(left)")
  }
}

/// `.sfri` and `.sfro` are read streamed when in tick order, and give exactly the spikes (and
/// locations) of the in-memory readers, in order or not.
@Suite struct IBMStreamTests {
  static func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

  @Test(arguments: [false, true])
  func streamedInputsMatchTheInMemoryReader(shuffled: Bool) throws {
    let dir = try ResourceRobustnessTests.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var ticks = (0..<300_000).map { UInt32($0 / 7) }
    if shuffled { ticks.swapAt(10, 200_000) }
    var bytes = IBMSpikeFile.headerBytes(encoding: "RAWI3", delay: 2)
    for (k, t) in ticks.enumerated() { bytes += Self.be(t) + Self.be(UInt32(k % 4096)) + Self.be(UInt32(k % 256)) }
    FileManager.default.createFile(atPath: dir + "/a.sfri", contents: Data(bytes))
    var whole = try IBMSpikeFile.readInput(path: dir + "/a.sfri")
    var stream = try SpikeFormat.openInput(dir + "/a.sfri")
    #expect((stream is IBMBinaryStream<InputSpike>) == !shuffled)
    var n = 0
    while let a = try whole.nextRecord() {
      let b = try stream.nextRecord()
      guard a == b, whole.lastLocation.path == stream.lastLocation.path else {
        Issue.record("record \(n): \(a) at \(whole.lastLocation) against \(String(describing: b)) at \(stream.lastLocation)")
        return
      }
      n += 1
    }
    #expect(try stream.nextRecord() == nil && n == 300_000)
  }

  @Test func streamedOutputsMatchAndBadRecordsGiveTheSameError() throws {
    let dir = try ResourceRobustnessTests.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var bytes = IBMSpikeFile.headerBytes(encoding: "RAWO6", delay: nil)
    for k in 0..<5000 { bytes += Self.be(UInt32(k / 3)) + Self.be(0) + Self.be(0) + Self.be(UInt32(k % 9)) + Self.be(UInt32(k % 256)) + Self.be(UInt32(bitPattern: -1)) }
    FileManager.default.createFile(atPath: dir + "/o.sfro", contents: Data(bytes))
    var whole = try IBMSpikeFile.readOutput(path: dir + "/o.sfro")
    var stream = try SpikeFormat.openOutput(dir + "/o.sfro")
    #expect(try whole.readAll() == stream.readAll())
    // A neuron of 256 in record 4000: the same error, before any spike is served.
    let bad = bytes.count - 1000 * 24 + 16
    bytes.replaceSubrange(bad..<(bad + 4), with: Self.be(256))
    FileManager.default.createFile(atPath: dir + "/o.sfro", contents: Data(bytes))
    var errors: [String] = []
    do { _ = try IBMSpikeFile.readOutput(path: dir + "/o.sfro") } catch { errors.append(error.description) }
    do { _ = try SpikeFormat.openOutput(dir + "/o.sfro") } catch { errors.append(error.description) }
    #expect(errors.count == 2 && errors[0] == errors[1] && errors[0].contains("record 4001 neuron"), "\(errors)")
  }
}

/// `--report` keeps at most `TickSeries.limit` elements: a long run is binned, its sums kept.
@Suite struct ReportSeriesTests {
  @Test func aLongSeriesIsBinnedWithItsSumsAndMaximaKept() {
    var s = CycleRun.TickSeries()
    let n = 3 * CycleRun.TickSeries.limit + 5
    for t in 0..<n { s.add(tick: Int64(t), spikes: 1, hops: 2, crossings: 0, cycles: Int32(t % 1000), coreCycles: 1, joules: 0.5) }
    #expect(s.binTicks == 4 && s.ticks.count <= CycleRun.TickSeries.limit)
    #expect(s.ticks.count == (n + 3) / 4 && s.ticks.prefix(3) == [0, 4, 8])
    #expect(s.spikes.reduce(0, +) == Int32(n) && s.hops.reduce(0, +) == Int32(2 * n))
    #expect(s.joules.reduce(0, +) == Double(n) / 2 && s.cycles.max() == 999)
    var short = CycleRun.TickSeries()
    for t in 0..<100 { short.add(tick: Int64(t), spikes: Int32(t), hops: 0, crossings: 0, cycles: 0, coreCycles: 0, joules: 0) }
    #expect(short.binTicks == 1 && short.spikes == (0..<100).map(Int32.init), "a short run keeps every tick")
  }
}
