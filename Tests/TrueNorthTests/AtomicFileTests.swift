import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The one atomic writer: missing folders are created, the target appears only when complete,
/// and no temporary file survives a failure.
@Suite struct AtomicFileTests {
  static func folder() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-atomic-\(UInt32.random(in: 0...UInt32.max))").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  static func contents(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
  }

  @Test func createsMissingFoldersAndReplacesAtomically() throws {
    let dir = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/a/b/file.json"
    try writeFileAtomically(Array("one".utf8), to: path)
    try writeFileAtomically(Array("two".utf8), to: path)
    #expect(try readFile(path) == Array("two".utf8))
    #expect(Self.contents(dir + "/a/b") == ["file.json"])
  }

  @Test func aFolderThatIsAFileIsNamedAndNothingIsLeft() throws {
    let dir = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try writeFileAtomically(Array("x".utf8), to: dir + "/blocker")
    #expect(throws: InputError(file: dir + "/blocker/file.json", message: "\(dir)/blocker is a file, not a folder")) {
      try writeFileAtomically(Array("y".utf8), to: dir + "/blocker/file.json")
    }
    #expect(Self.contents(dir) == ["blocker"])
  }

  @Test func aTargetThatCannotBeReplacedLeavesNoTemporary() throws {
    let dir = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir + "/taken/inner", withIntermediateDirectories: true)
    #expect(throws: InputError.self) { try writeFileAtomically(Array("y".utf8), to: dir + "/taken") }
    #expect(Self.contents(dir) == ["taken"])
  }

  @Test func spikeWritersLeaveNoTemporaryWhenDiscardedOrDropped() throws {
    let dir = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let discarded = try SpikeWriter<OutputSpike>(path: dir + "/discarded.csv")
    try discarded.write(OutputSpike(tick: 1, core: 0, neuron: 2, pin: 3))
    discarded.discard()
    do {
      let dropped = try SpikeWriter<InputSpike>(path: dir + "/dropped.tnspk")
      try dropped.write(InputSpike(tick: 1, core: 0, axon: 2))
    }
    #expect(Self.contents(dir) == [])
    let kept = try SpikeFormat.createOutput(dir + "/sub/kept.sfro")
    try kept.write(OutputSpike(tick: 1, core: 0, neuron: 2, pin: 3))
    try kept.close()
    #expect(Self.contents(dir) == ["sub"])
    #expect(Self.contents(dir + "/sub") == ["kept.sfro"])
  }
}
