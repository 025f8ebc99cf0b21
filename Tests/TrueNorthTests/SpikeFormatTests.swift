import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The table of spike formats: one entry per format, detection from content, choice by
/// extension, and every reader and writer reached through it.
@Suite struct SpikeFormatTests {
  @Test func oneEntryPerFormatWithDistinctNamesAndExtensions() {
    #expect(SpikeFormat.all.map(\.name) == ["csv", "tnspk", "sfti", "sfri", "sfro", "ranc-output", "ranc-input"])
    let extensions = SpikeFormat.all.flatMap(\.extensions)
    #expect(Set(extensions).count == extensions.count)
    for f in SpikeFormat.all {
      #expect(SpikeFormat.named(f.name) == f)
      for e in f.extensions { #expect(SpikeFormat.forExtension(of: "dir.x/spikes." + e) == f) }
    }
    #expect(SpikeFormat.forExtension(of: "model.json") == nil)
    #expect(SpikeFormat.forExtension(of: "spikes") == nil)
    #expect(SpikeFormat.names(writing: .output) == "csv, tnspk, sfro, ranc-output")
    #expect(SpikeFormat.names(writing: .input) == "csv, tnspk, sfti, sfri")
  }

  @Test(arguments: [
    ("ibm/input.sfti", "sfti"), ("ibm/input.sfri", "sfri"), ("ibm/output.sfro", "sfro"),
    ("ranc/output.txt", "ranc-output"), ("ranc/input.json", "ranc-input"),
  ])
  func detectsEveryFixtureFromItsContent(name: String, format: String) throws {
    #expect(try SpikeFormat.detect(path: InteropFixtures.path(name)).name == format)
  }

  @Test func detectsTnsimFilesAndRefusesModels() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-formats-\(UInt32.random(in: 0...UInt32.max))").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for f in [SpikeFormat.csv, .tnspk] {
      // A misleading name: detection reads the content.
      let sink = try SpikeFormat.createInput(dir + "/spikes-\(f.name).dat", format: f)
      try sink.write(InputSpike(tick: 2, core: 1, axon: 7))
      try sink.close()
      #expect(try SpikeFormat.detect(path: dir + "/spikes-\(f.name).dat") == f)
    }
    #expect(FileKind.detect(path: InteropFixtures.path("ibm/model.json")) == .ibmModel)
    #expect(FileKind.detect(path: chipdefPath("tiny")) == .chipDefinition)
    #expect(throws: InputError.self) { _ = try SpikeFormat.detect(path: chipdefPath("tiny")) }
  }

  /// Every format that writes a kind of record reads back what it wrote, through the table.
  @Test func everyWriterReadsBackThroughTheTable() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-formats-\(UInt32.random(in: 0...UInt32.max))").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let inputs = [InputSpike(tick: 1, core: 3, axon: 0), InputSpike(tick: 4, core: 0, axon: 255)]
    for f in SpikeFormat.all where f.writesInput {
      let path = dir + "/in." + f.extensions[0]
      let sink = try SpikeFormat.createInput(path)
      for s in inputs { try sink.write(s) }
      try sink.close()
      var source = try SpikeFormat.openInput(path)
      #expect(try source.readAll() == inputs, "\(f.name)")
    }
    let outputs = [OutputSpike(tick: 0, core: 1, neuron: 2, pin: 0), OutputSpike(tick: 3, core: 0, neuron: 9, pin: 2)]
    for f in SpikeFormat.all where f.writesOutput {
      let path = dir + "/out." + f.extensions[0]
      let sink = try SpikeFormat.createOutput(path)
      for s in outputs { try sink.write(s) }
      try sink.close()
      var source = try SpikeFormat.openOutput(path)
      let back = try source.readAll()
      // RANC's output keeps only ticks and pins.
      #expect(f == .rancOutput ? back.map { [$0.tick, Int64($0.pin)] } == outputs.map { [$0.tick, Int64($0.pin)] } : back == outputs, "\(f.name)")
    }
  }

  @Test func aFormatOfTheOtherKindIsRefusedWithItsName() throws {
    let p = InteropFixtures.temporary("x.sfro")
    #expect(InteropFixtures.failure { _ = try SpikeFormat.createInput(p) }
      == "\(p): sfro holds output spikes; the input holds input spikes")
    let e = InteropFixtures.failure { _ = try SpikeFormat.openInput(InteropFixtures.path("ibm/output.sfro")) }
    #expect(e.hasSuffix(":1: holds output spikes (IBM RAWO6); expected input spikes"), "\(e)")
    let r = InteropFixtures.failure { _ = try SpikeFormat.openInput(InteropFixtures.path("ranc/input.json")) }
    #expect(r.hasSuffix(": RANC packets name cores by (x, y); the chip is needed to number them"), "\(r)")
    #expect(!FileManager.default.fileExists(atPath: p))
  }
}
