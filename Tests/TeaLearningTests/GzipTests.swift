import Foundation
import Testing

@testable import TeaLearning

/// The gzip reader against files GNU gzip wrote: its decompression must give back exactly what
/// went in, and damaged files must fail with an error naming the file, never crash.
@Suite struct GzipTests {
  static let root = #filePath.components(separatedBy: "/Tests/").first!

  /// `bytes` compressed by GNU gzip at `level` (the reference this reader must agree with).
  static func gzip(_ bytes: [UInt8], level: Int, name: String = "in") throws -> [UInt8] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-gzip-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let input = dir + "/" + name
    #expect(FileManager.default.createFile(atPath: input, contents: Data(bytes)))
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["gzip", "-\(level)", input]
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "gzip -\(level) failed")
    return [UInt8](FileManager.default.contents(atPath: input + ".gz") ?? Data())
  }

  static func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
      let j = s.index(i, offsetBy: 2)
      out.append(UInt8(s[i..<j], radix: 16)!)
      i = j
    }
    return out
  }

  /// Bytes that compress in every way DEFLATE has: text with long repeats (matches up to 258 bytes
  /// and distances up to 32 KiB), noise (stored blocks), a run of one byte (distance 1).
  static func mixed(seed: UInt64) -> [UInt8] {
    var g = TeaRandom(seed: seed)
    var out = Array("{\"format\":\"tnsim-tea-network\",\"cores\":[".utf8)
    for i in 0..<20_000 { out += Array("\(Double(g.next() % 1000) / 1000),".utf8) + (i % 97 == 0 ? [10] : []) }
    out += (0..<70_000).map { _ in UInt8(truncatingIfNeeded: g.next()) }
    out += [UInt8](repeating: 0x30, count: 5_000)
    out += out[1_000..<40_000]
    return out
  }

  /// Written by `printf 'hello hello hello hello\n' > h.txt; gzip -9c h.txt` (a fixed-code block,
  /// the file name in the header) and the same with `-n` (no name).
  @Test func readsWhatGNUGzipWroteForAShortText() throws {
    let expected = Array("hello hello hello hello\n".utf8)
    let named = Self.hex("1f8b080856370f6b0203682e74787400cb48cdc9c957c84027b9000088590b18000000")
    let plain = Self.hex("1f8b0800000000000203cb48cdc9c957c84027b9000088590b18000000")
    #expect(try Gzip.decompress(named, file: "h.txt.gz") == expected)
    #expect(try Gzip.decompress(plain, file: "h.txt.gz") == expected)
    // The optional header fields gzip itself does not write: extra field, comment, header CRC.
    var fields = Array(plain[0..<10])
    fields[3] = 4 | 16 | 2
    fields += [3, 0, 0x41, 0x42, 0x43] + Array("a comment".utf8) + [0] + [0xab, 0xcd] + plain[10...]
    #expect(try Gzip.decompress(fields, file: "h.txt.gz") == expected)
  }

  @Test(arguments: [1, 6, 9]) func agreesWithGNUGzipAtEveryLevel(level: Int) throws {
    let original = Self.mixed(seed: UInt64(level))
    let compressed = try Self.gzip(original, level: level)
    #expect(compressed.count < original.count * 2 / 3)
    #expect(try Gzip.decompress(compressed, file: "mixed.gz") == original)
    // Members one after another (`cat a.gz b.gz`) and zero padding after the last.
    let second = try Self.gzip(Array("second member\n".utf8), level: level)
    #expect(try Gzip.decompress(compressed + second + [0, 0, 0], file: "two.gz") == original + Array("second member\n".utf8))
    #expect(try Gzip.decompress(try Self.gzip([], level: level), file: "empty.gz") == [])
  }

  @Test func readsAShippedNetworkCompressedAsTheSameNetwork() throws {
    let path = Self.root + "/examples/networks/mnist-21core-aug-probreg.json"
    let plain = try TrainedNetwork.read(from: path)
    let bytes = try readFile(path)
    let compressed = try Self.gzip(bytes, level: 9, name: "net.json")
    #expect(compressed.count * 3 < bytes.count)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-gzip-net-\(UInt32.random(in: 0...UInt32.max)).json.gz").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    #expect(FileManager.default.createFile(atPath: file, contents: Data(compressed)))
    #expect(try TrainedNetwork.read(from: file) == plain)
  }

  @Test func namesTheFileAndTheFaultOfADamagedFile() throws {
    let original = Self.mixed(seed: 7)
    let good = try Self.gzip(original, level: 6)
    func message(_ bytes: [UInt8]) -> String {
      do {
        _ = try Gzip.decompress(bytes, file: "bad.gz")
        return "no error"
      } catch {
        #expect(error.file == "bad.gz")
        return error.message
      }
    }
    var crc = good
    crc[crc.count - 8] ^= 1
    #expect(message(crc).contains("CRC-32 is"))
    var length = good
    length[length.count - 1] ^= 1
    #expect(message(length).contains("length is"))
    #expect(message(Array(good.dropLast(8))).contains("truncated"))
    #expect(message(Array(good.prefix(good.count / 2))).contains("truncated"))
    #expect(message(good + Array("trailing".utf8)).contains("bytes after the compressed data"))
    var method = good
    method[2] = 7
    #expect(message(method).contains("compression method 7"))
    var reserved = Self.hex("1f8b0800000000000203cb48cdc9c957c84027b9000088590b18000000")
    reserved[10] |= 6  // the first block's type: 3
    #expect(message(reserved).contains("block type 3"))
  }

  /// 300 MiB of zeros in 300 KB: refused once the output passes `Gzip.largestOutput`.
  @Test func refusesAFileThatDecompressesBeyondTheLimit() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "head -c 314572800 /dev/zero | gzip -1"]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let bomb = [UInt8](out.fileHandleForReading.readDataToEndOfFile())
    p.waitUntilExit()
    #expect(bomb.count < 2_000_000 && Gzip.isCompressed(bomb))
    do {
      _ = try Gzip.decompress(bomb, file: "bomb.gz")
      Issue.record("300 MiB decompressed")
    } catch {
      #expect(error.message.contains("decompresses to more than 268435456 bytes"), "\(error)")
    }
  }

  /// Changes of one to three bytes past the header, and cuts of a compressed file: each must
  /// throw (the CRC-32 and length catch what the code checks let through), none may crash (a crash
  /// here would end the test run).
  @Test func rejectsThousandsOfDamagedFiles() throws {
    let good = try Self.gzip(Self.mixed(seed: 3).prefix(60_000).map { $0 }, level: 9)
    // GNU gzip writes the file's name after the 10 fixed header bytes: no check covers them.
    #expect(good[3] == 8)
    let header = good[10...].firstIndex(of: 0)! + 1
    var g = TeaRandom(seed: 11)
    var failures = 0
    let cases = 3_000
    for i in 0..<cases {
      var bad = good
      if i % 10 == 0 {
        bad = Array(bad.prefix(Int(g.next() % UInt64(bad.count))))
      } else {
        for _ in 0...(g.next() % 3) { bad[header + Int(g.next() % UInt64(bad.count - header))] ^= UInt8(1 + g.next() % 255) }
      }
      do { _ = try Gzip.decompress(bad, file: "bad.gz") } catch { failures += 1 }
    }
    #expect(failures == cases)
  }
}
