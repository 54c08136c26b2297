"""Text of generated log lines: a pure function of the resource and the line index.

The mix is chosen to exercise a log viewer: progress lines, warnings on stderr,
a multi-line stack trace, very long lines, non-Latin text and emoji, ANSI
colour escapes and a carriage-return progress bar.
"""

from __future__ import annotations

import zlib

STDOUT, STDERR = "stdout", "stderr"
Line = tuple[str, str]

# Positions inside each cycle of job body lines.
JOB_CYCLE = 500
TRACEBACK_START = 100
WARNING_EVERY = 97
LONG_LINE_EVERY = 250
UNICODE_EVERY = 61
ANSI_EVERY = 89
BAR_EVERY = 53

TRACEBACK = [
    "Traceback (most recent call last):",
    '  File "/workspace/train.py", line 412, in <module>',
    "    main()",
    '  File "/workspace/train.py", line 398, in main',
    "    batch = next(loader_iter)",
    '  File "/usr/lib/python3.11/site-packages/torch/utils/data/dataloader.py", line 631, in __next__',
    "    data = self._next_data()",
    '  File "/usr/lib/python3.11/site-packages/torch/utils/data/dataloader.py", line 1346, in _next_data',
    "    return self._process_data(data)",
    "ConnectionResetError: [Errno 104] Connection reset by peer (shard fetch from s3://corpus/shard-00017)",
    "warn: data loader worker 3 restarted after the error above; continuing",
]
UNICODE_LINES = [
    "データローダー: バッチ {n} を読み込みました ✅",
    "загрузка контрольной точки {n} 🚀",
    "模型检查点已保存 (step {n}) 📦",
    "تم حفظ نقطة التفتيش {n}",
    "Ελέγχος μοντέλου {n}: εντάξει 👍",
    "eval: naïve café résumé — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 {n} 🧪👩‍🔬",
]
WARNINGS = [
    "warn: cache miss for shard {shard}",
    "UserWarning: TypedStorage is deprecated; use tensor.untyped_storage() instead",
    "warn: gradient norm {norm:.1f} exceeds clip threshold 1.0",
    "warn: slow step {n}: data loader waited 2.3 s",
]


def _mix(key: str, index: int) -> int:
    return zlib.crc32(f"{key}:{index}".encode())


def job_head(record: dict) -> list[Line]:
    """Return the set-up lines a job writes when it starts."""
    source = f"cloning {record.get('repo')}@main" if record.get("repo") else f"pulling image {record.get('image')}"
    gpus = record.get("gpu_count") if isinstance(record.get("gpu_count"), int) else 0
    return [
        (STDOUT, f"scheduling on {record.get('nodes', 1)} node(s) in {record.get('region')}"),
        (STDOUT, source),
        (STDOUT, f"visible devices: {gpus} x {record.get('gpu')}"),
        (STDOUT, f"$ {record.get('command')}"),
    ]


def job_body(record: dict, index: int) -> Line:
    """Return body line ``index`` (0-based) of a job's output."""
    key = str(record.get("id"))
    position = index % JOB_CYCLE
    step = index + 1
    if TRACEBACK_START <= position < TRACEBACK_START + len(TRACEBACK):
        return STDERR, TRACEBACK[position - TRACEBACK_START]
    if index % WARNING_EVERY == 13:
        template = WARNINGS[_mix(key, index) % len(WARNINGS)]
        return STDERR, template.format(shard=index % 64, norm=1 + _mix(key, index) % 90 / 10, n=step)
    if index % LONG_LINE_EVERY == 42:
        fields = ", ".join(f'"layer_{layer}.attn.q_proj": {{"lr_scale": 0.{layer % 10}, "frozen": false}}' for layer in range(48))
        return STDOUT, f"config dump: {{{fields}}}"
    if index % UNICODE_EVERY == 7:
        return STDOUT, UNICODE_LINES[_mix(key, index) % len(UNICODE_LINES)].format(n=step)
    if index % ANSI_EVERY == 5:
        return STDOUT, f"\x1b[32mINFO\x1b[0m checkpoint \x1b[1mstep-{step}\x1b[0m written in \x1b[33m{2 + index % 7}.{index % 10}s\x1b[0m"
    if index % BAR_EVERY == 11:
        percent = index * 7 % 100
        bar = "█" * (percent // 10) + " " * (10 - percent // 10)
        return STDOUT, f"\r {percent:3d}%|{bar}| {percent * 10}/1000 [00:12<00:15, 36.2it/s]"
    loss = 0.9 + 1.6 / (1 + index / 4000) + (_mix(key, index) % 100) / 1000
    return STDOUT, f"epoch {1 + index // 1000} step {step} loss {loss:.4f} lr 3.0e-05 tokens/s {9000 + _mix(key, index) % 3000}"


def job_tail(record: dict) -> list[Line]:
    """Return the lines a job writes as it ends, matching its final status."""
    status = record.get("status")
    exit_code = record.get("exit_code")
    if status == "succeeded":
        return [(STDOUT, "saving final checkpoint"), (STDOUT, "process exited with status 0")]
    if status == "failed":
        return [
            (STDERR, "Traceback (most recent call last):"),
            (STDERR, '  File "/workspace/train.py", line 377, in train_step'),
            (STDERR, "    loss.backward()"),
            (STDERR, "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"),
            (STDERR, f"process exited with status {exit_code if exit_code is not None else 1}"),
        ]
    if status == "timed_out":
        return [(STDERR, f"job exceeded its timeout of {record.get('timeout_minutes')} minutes; sent SIGTERM")]
    if status == "cancelled":
        return [(STDERR, "received SIGTERM: job cancelled")]
    return []


def service_head(record: dict) -> list[Line]:
    """Return the lines a service replica writes while starting."""
    return [
        (STDOUT, f"pulling {record.get('image') or record.get('repo')}"),
        (STDOUT, f"listening on 0.0.0.0:{record.get('port')}"),
        (STDOUT, f"readiness probe {record.get('readiness_probe')} passed"),
    ]


def service_body(record: dict, index: int) -> Line:
    """Return request-log line ``index`` of a service."""
    mixed = _mix(str(record.get("id")), index)
    if mixed % 41 == 0:
        return STDERR, f'10.0.{mixed % 8}.{mixed % 250} - "POST /v1/predict HTTP/1.1" 503 upstream timeout after 30000ms'
    if mixed % 113 == 1:
        return STDOUT, "リクエスト処理完了 ✅ (ja-JP)"
    latency = 8 + mixed % 120
    path = ("/v1/predict", "/v1/embed", "/healthz", "/v1/rerank")[mixed % 4]
    return STDOUT, f'10.0.{mixed % 8}.{mixed % 250} - "POST {path} HTTP/1.1" 200 {latency}ms'


def service_tail(record: dict) -> list[Line]:
    """Return the lines a service writes when it stops or fails."""
    if record.get("status") == "failed":
        return [(STDERR, "readiness probe failed 3 times; giving up"), (STDERR, "deploy failed: container exited with status 1")]
    return [(STDOUT, "received SIGTERM, draining connections"), (STDOUT, "shutdown complete")]


def machine_head(record: dict) -> list[Line]:
    """Return the boot lines a machine writes on each start."""
    return [
        (STDOUT, "cloud-init: starting"),
        (STDOUT, f"mounting /home/outpost ({record.get('disk_gb')} GB)"),
        (STDOUT, f"image {record.get('image')} ready"),
        (STDOUT, f"nvidia-smi: {record.get('gpu_count')} x {record.get('gpu')}"),
        (STDOUT, "sshd: listening on port 22"),
        (STDOUT, "machine ready"),
    ]


def machine_body(record: dict, index: int) -> Line:
    """Return periodic line ``index`` of a running machine."""
    mixed = _mix(str(record.get("id")), index)
    if mixed % 7 == 0:
        return STDERR, "kernel: nvidia-nvlink: link 2 retrained"
    return STDOUT, f"sshd: accepted publickey for outpost from 10.1.{mixed % 16}.{mixed % 200}"


def machine_tail(record: dict) -> list[Line]:
    """Return the lines a machine writes while stopping."""
    return [(STDOUT, "shutdown requested"), (STDOUT, "unmounting /home/outpost"), (STDOUT, "machine stopped")]
