import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The chip-definition reproducers of issue 15: a huge finite `tickSeconds` or `clockHz` trapped
/// converting the tick budget to Int in every cycle-fidelity command.
@Suite struct ChipDefinitionRobustnessTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func tiny() throws -> String {
    try String(contentsOf: root.appendingPathComponent("chipdefs/tiny.json"), encoding: .utf8)
  }

  static func replacing(_ text: String, _ key: String, with value: String) -> String {
    let lines = text.components(separatedBy: "\n").map { line in
      line.contains("\"\(key)\":") ? line.components(separatedBy: ":")[0] + ": " + value + (line.hasSuffix(",") ? "," : "") : line
    }
    return lines.joined(separator: "\n")
  }

  @Test(arguments: [("tickSeconds", "1e10"), ("clockHz", "1e300"), ("chipLinkSpikesPerSecond", "1e-300"), ("tickSeconds", "1e308")])
  func hugeTimesAreRefusedOnLoad(_ key: String, _ value: String) throws {
    let text = Self.replacing(try Self.tiny(), key, with: value)
    #expect(text.contains(value))
    do {
      _ = try ChipDefinition.parse(Array(text.utf8), file: "big.json")
      Issue.record("\(key) \(value) was accepted")
    } catch {
      #expect(error.file == "big.json" && (error.path ?? "").hasSuffix(key), "\(error)")
    }
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
