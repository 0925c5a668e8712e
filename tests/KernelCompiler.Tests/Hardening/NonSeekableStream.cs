namespace KernelCompiler.Tests.Hardening;

/// <summary>A pipe-like stream over bytes (no Length, no Seek), optionally followed by an endless run of zeros, and
/// counting what was read.</summary>
public sealed class NonSeekableStream(byte[] bytes, bool endless = false) : Stream
{
    private long _position;

    public long BytesRead => _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_position < bytes.Length)
        {
            n = (int)Math.Min(buffer.Length, bytes.Length - _position);
            bytes.AsSpan((int)_position, n).CopyTo(buffer);
        }
        else if (endless)
        {
            n = buffer.Length;
            buffer.Clear();
        }
        else
        {
            n = 0;
        }

        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
