import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// Issue 15's resources, continued: `.sfti` and RANC output texts are read streamed, the IBM
/// writers stream, and a line of many megabytes gives a short error at once.
@Suite struct RobustnessStreamTests {
  static func sfti(_ ticks: [Int], badAt: Int? = nil) -> [UInt8] {
    var text = "{\"class\":\"SpikeWriter\",\"encoding\":\"TEXT\",\"nscsVersion\":\"1.4.0\"}\n{\"version\":\"sfto1.0\", \"defaultDestinationDelay\" : 2}\n"
    for (k, t) in ticks.enumerated() {
      text += "{\"spike\":{\"srcTime\":\(t),\"destCore\":\(k % 4096),\"destAxon\":\(k == badAt ? 256 : k % 256)\(k % 5 == 0 ? ",\"delay\":2" : "")}}\n"
      if k % 1000 == 7 { text += "\r\n" }
    }
    return Array(text.utf8)
  }

  @Test(arguments: [false, true])
  func streamedSftiMatchesTheInMemoryReader(shuffled: Bool) throws {
    var ticks = (0..<20_000).map { $0 / 7 }
    if shuffled { ticks.swapAt(10, 15_000) }
    let path = InteropFixtures.write(Self.sfti(ticks), "s.sfti")
    defer { try? FileManager.default.removeItem(atPath: path) }
    var whole = try IBMSpikeFile.readInput(path: path)
    var stream = try SpikeFormat.openInput(path)
    #expect((stream is IBMSpikeFile.TextStream) == !shuffled)
    var n = 0
    while let a = try whole.nextRecord() {
      let b = try stream.nextRecord()
      guard a == b, whole.lastLocation.line == stream.lastLocation.line else {
        Issue.record("record \(n): \(a) at \(whole.lastLocation) against \(String(describing: b)) at \(stream.lastLocation)")
        return
      }
      n += 1
    }
    #expect(try stream.nextRecord() == nil && n == 20_000)
    // The tick of the first spike: srcTime 0 + the header's delay 2.
    #expect(whole.records.first?.tick == 2)
  }

  @Test func aBadSftiLineIsNamedBeforeAnySpikeIsServed() throws {
    let path = InteropFixtures.write(Self.sfti((0..<5000).map { $0 }, badAt: 4000), "bad.sfti")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let e = try #require(InteropFixtures.failure { _ = try SpikeFormat.openInput(path) }.nilIfEmpty)
    // Two header lines and four blank ones come before spike 4000 (line 4007).
    #expect(e.hasPrefix(path + ":4007: spike.destAxon: value 256 is out of range"), "\(e)")
  }

  @Test(arguments: [1, 7, 1 << 20])
  func linesAcrossReadsAreReadWhole(readSize: Int) throws {
    let path = InteropFixtures.write(Array("a\nbb\r\n\nccc".utf8), "lines.txt")
    defer { try? FileManager.default.removeItem(atPath: path) }
    var lines = try TextLines(path: path, maxLineBytes: 8, lineDescription: "test")
    lines.readSize = readSize
    var got: [String] = []
    while let l = try lines.next() { got.append(String(decoding: l, as: UTF8.self)) }
    #expect(got == ["a", "bb\r", "", "ccc"] && lines.line == 4)
  }

  @Test func streamedRANCOutputMatchesTheInMemoryReader() throws {
    var text: [UInt8] = [0xEF, 0xBB, 0xBF]
    for t in 0..<3000 { text += Array(((0..<9).map { p in (t * 7 + p) % 5 == 0 && t > 0 ? "1 " : "0 " }.joined() + "\n").utf8) }
    let path = InteropFixtures.write(text, "output.txt")
    defer { try? FileManager.default.removeItem(atPath: path) }
    var whole = try RANCOutputFile.read(path: path)
    var stream = try SpikeFormat.openOutput(path)
    #expect(stream is RANCOutputFile.Stream)
    var n = 0
    while let a = try whole.nextRecord() {
      let b = try stream.nextRecord()
      #expect(a == b && whole.lastLocation.line == stream.lastLocation.line && whole.lastLocation.path == stream.lastLocation.path)
      n += 1
    }
    #expect(try stream.nextRecord() == nil && n > 5000)
    // A short line far down is refused before any spike is served, as the whole reader does.
    text += Array("0 1 \n".utf8)
    let bad = InteropFixtures.write(text, "bad.txt")
    defer { try? FileManager.default.removeItem(atPath: bad) }
    let e = InteropFixtures.failure { _ = try SpikeFormat.openOutput(bad) }
    #expect(e == InteropFixtures.failure { _ = try RANCOutputFile.read(path: bad) } && e.contains(":3001: 2 outputs; line 1 has 9"), "\(e)")
  }

  /// The IBM writers write a file as they go (header first, then records), byte for byte what the
  /// whole-file encoders give, and leave nothing behind when a spike is refused.
  @Test func ibmWritersStreamTheEncodersBytes() throws {
    var inputs: [InputSpike] = []
    var outputs: [OutputSpike] = []
    for k in 1...70_000 {
      let tick = Int64(k / 3 + 1), core = Int32(k % 4096), index = Int32(k % 256)
      inputs.append(InputSpike(tick: tick, core: core, axon: index))
      let pin: Int32 = k % 3 == 0 ? Int32(k % 200) : -1
      outputs.append(OutputSpike(tick: tick, core: core, neuron: index, pin: pin))
    }
    for (format, want) in [(SpikeFormat.sfti, try IBMSpikeFile.textInputBytes(inputs)), (.sfri, try IBMSpikeFile.binaryInputBytes(inputs))] {
      let path = InteropFixtures.temporary("w." + format.name)
      defer { try? FileManager.default.removeItem(atPath: path) }
      let sink = try format.inputWriter(path: path)
      #expect(sink is IBMSpikeWriter<InputSpike>)
      for s in inputs { try sink.write(s) }
      try sink.close()
      #expect(try readFile(path) == want, "\(format)")
    }
    let path = InteropFixtures.temporary("w.sfro")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let sink = try SpikeFormat.sfro.outputWriter(path: path)
    for s in outputs { try sink.write(s) }
    try sink.close()
    #expect(try readFile(path) == IBMSpikeFile.binaryOutputBytes(outputs))

    let dir = InteropFixtures.temporary("refused")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let refusing = try SpikeFormat.sfri.inputWriter(path: dir + "/x.sfri")
    try refusing.write(inputs[0])
    #expect(throws: ConversionError.self) { try refusing.write(InputSpike(tick: 0, core: 0, axon: 0)) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "a refused spike leaves no file")
  }

  /// `tnsim info` on one line of many megabytes without a newline: the CSV reader refuses the
  /// line once it passes the limit (it rescanned the whole buffer on every read, 25 s for 100 MB),
  /// in one short line.
  @Test(arguments: [UInt8(ascii: "1"), UInt8(ascii: "t"), UInt8(ascii: "#")])
  func aLineOfManyMegabytesGivesAShortError(_ byte: UInt8) throws {
    let path = InteropFixtures.write([UInt8](repeating: byte, count: 8 << 20), "long.csv")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let e = try #require(InteropFixtures.failure { var r = try SpikeFormat.openInput(path); _ = try r.readAll() }.nilIfEmpty)
    #expect(e.hasPrefix(path + ":1: the line is longer than 65536 bytes"), "\(e.prefix(300))")
    #expect(e.count < 400, "\(e.count) characters")
  }

  /// A digit run of many megabytes after a good header: the fast path looks at 11 digits at most.
  @Test func aLongDigitRunAfterTheHeaderIsRefusedByLine() throws {
    let path = InteropFixtures.write(Array("tick,core,axon\n1,2,3\n".utf8) + [UInt8](repeating: UInt8(ascii: "7"), count: 4 << 20), "digits.csv")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let e = InteropFixtures.failure { var r = try SpikeFormat.openInput(path); _ = try r.readAll() }
    #expect(e.hasPrefix(path + ":3: the line is longer than 65536 bytes"), "\(e.prefix(300))")
  }
}

extension String {
  /// nil for "", else the string.
  var nilIfEmpty: String? { isEmpty ? nil : self }
}
