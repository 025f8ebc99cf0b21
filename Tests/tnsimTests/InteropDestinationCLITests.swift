import Foundation
import Testing

/// `tnsim run --record all --output x.sfro` gives the writer its model: every spike of a random
/// model (each neuron sends to an axon) carries its destination core and axon in RAWO6 fields 3
/// and 4, not (-1, -1) (issue 21).
@Suite struct InteropDestinationCLITests {
  @Test func runWritesTheDestinationsOfSpikesToAxons() throws {
    let dir = CLI.temporary("dest")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let g = try CLI.run(["generate", "random", "--chip", "tiny", "--seed", "3", "--output", dir + "/m.json"])
    #expect(g.status == 0, "\(g.err)")
    let r = try CLI.run(["run", dir + "/m.json", "--ticks", "6", "--record", "all", "--output", dir + "/x.sfro"])
    #expect(r.status == 0, "\(r.err)")
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/x.sfro")))
    let start = try #require(bytes.firstIndex(of: 0xFF)) + 1
    func field(_ o: Int, _ f: Int) -> Int32 { Int32(bitPattern: bytes[(o + 4 * f)..<(o + 4 * f + 4)].reduce(0) { $0 << 8 | UInt32($1) }) }
    let records = stride(from: start, to: bytes.count, by: 24).map { o in (core: field(o, 3), axon: field(o, 4)) }
    #expect(records.count > 20)
    #expect(records.allSatisfy { (0..<16).contains($0.core) && (0..<256).contains($0.axon) }, "\(records.prefix(5))")
  }
}
