"""patch.py IN OUT OFFSET XOR: copies IN to OUT with byte OFFSET (negative
counts from the end) xor-ed with XOR; used to corrupt programs in tests."""
import sys

data = bytearray(open(sys.argv[1], "rb").read())
data[int(sys.argv[3])] ^= int(sys.argv[4], 0)
open(sys.argv[2], "wb").write(bytes(data))
