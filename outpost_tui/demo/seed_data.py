"""Name lists and settings the initial demo data is built from."""

from __future__ import annotations

_MACHINE_BASES = [
    "vision-dev", "llm-sandbox", "rl-playground", "notebook-gpu", "cuda-build", "data-prep",
    "eval-box", "triton-dev", "diffusion-lab", "speech-dev", "retrieval-dev", "bench-h100",
    "profiling", "tokenizer-dev", "jax-scratch", "inference-dev", "ocr-dev", "robotics-sim",
    "gnn-dev", "quant-dev", "kernel-hacking", "vllm-tuning",
]
ACME_MACHINES = _MACHINE_BASES + [f"{base}-2" for base in _MACHINE_BASES]
MARA_MACHINES = ["scratch", "thesis-gpu", "cpu-box", "kaggle-l4", "blog-demos", "weekend-h100"]

IMAGES = (
    "outpost/base:latest", "outpost/pytorch:2.4-cuda12", "outpost/jax:0.4-cuda12",
    "lab/vision:3.1", "outpost/vllm:0.6",
)

# Each family gives a name pattern, the command, resources and how the job reports progress.
JOB_FAMILIES = [
    {"pattern": "finetune-llama-3-r{n}", "command": "torchrun --nproc-per-node 8 train.py --config configs/llama3-8b.yaml",
     "gpu": "H100-80GB", "gpu_count": 8, "nodes": (1, 2), "image": "outpost/pytorch:2.4-cuda12",
     "progress": "steps", "total": 12000},
    {"pattern": "finetune-mistral-7b-r{n}", "command": "accelerate launch sft.py --model mistral-7b --lora",
     "gpu": "A100-80GB", "gpu_count": 4, "nodes": (1,), "image": "outpost/pytorch:2.4-cuda12",
     "progress": "steps", "total": 6000, "fleet_ok": True},
    {"pattern": "eval-sweep-{n:02d}", "command": "python eval.py --shard {shard}",
     "gpu": "A100-40GB", "gpu_count": 2, "nodes": (1,), "image": "lab/evals:2.0",
     "progress": "prompts", "total": 4000, "fleet_ok": True},
    {"pattern": "tokenize-shard-{n:02d}", "command": "python tokenize.py --input s3://corpus/raw --shard {shard}",
     "gpu": "none", "gpu_count": 0, "nodes": (1,), "image": "outpost/base:latest",
     "progress": "shards", "total": 3000, "fleet_ok": True},
    {"pattern": "embed-corpus-{n}", "command": "python embed.py --model bge-large --batch 512",
     "gpu": "L4", "gpu_count": 1, "nodes": (1, 2, 4), "image": "lab/embedder:0.9",
     "progress": "shards", "total": 6000},
    {"pattern": "distill-bert-v{n}", "command": "python distill.py --teacher bert-large --student bert-small",
     "gpu": "A100-80GB", "gpu_count": 1, "nodes": (1,), "image": "outpost/pytorch:2.4-cuda12",
     "progress": "epochs", "total": 3000},
    {"pattern": "rlhf-ppo-{n}", "command": "python ppo.py --policy llama3-8b-sft --reward rm-v4",
     "gpu": "H100-80GB", "gpu_count": 8, "nodes": (2, 4), "image": None, "repo": "acme/rlhf",
     "progress": "steps", "total": 2000, "fleet_ok": True},
    {"pattern": "sdxl-train-{n}", "command": "python train_sdxl.py --resolution 1024",
     "gpu": "A100-80GB", "gpu_count": 4, "nodes": (1,), "image": "lab/diffusion:1.4",
     "progress": "epochs", "total": 6000},
    {"pattern": "whisper-ft-{n}", "command": "python finetune_whisper.py --lang de,ja,pt",
     "gpu": "A100-40GB", "gpu_count": 1, "nodes": (1,), "image": "lab/whisper:large-v3",
     "progress": "steps", "total": 5000},
    {"pattern": "dedupe-crawl-{n}", "command": "python minhash_dedupe.py --threshold 0.8",
     "gpu": "none", "gpu_count": 0, "nodes": (1, 4), "image": "outpost/base:latest",
     "progress": "shards", "total": 6000, "fleet_ok": True},
    {"pattern": "bench-matmul-{n}", "command": "python bench/matmul.py --dtype bf16 --sizes 4096,8192",
     "gpu": "H100-80GB", "gpu_count": 1, "nodes": (1,), "image": "outpost/pytorch:2.4-cuda12",
     "progress": "prompts", "total": 500},
    {"pattern": "index-build-{n}", "command": "python build_index.py --kind hnsw --m 32",
     "gpu": "none", "gpu_count": 0, "nodes": (1,), "image": "lab/vector:0.3",
     "progress": "shards", "total": 3000},
    {"pattern": "export-onnx-{n}", "command": "python export.py --format onnx --opset 17",
     "gpu": "T4", "gpu_count": 1, "nodes": (1,), "image": "outpost/base:latest",
     "progress": "steps", "total": 300},
    {"pattern": "ablation-lr-{n}", "command": "python train.py --lr-sweep 1e-5,3e-5,1e-4",
     "gpu": "A100-40GB", "gpu_count": 2, "nodes": (1,), "image": None, "repo": "acme/ablations",
     "progress": "epochs", "total": 1800, "fleet_ok": True},
    {"pattern": "hparam-search-{n}", "command": "python search.py --trials 64 --sampler tpe",
     "gpu": "L4", "gpu_count": 4, "nodes": (1,), "image": "outpost/pytorch:2.4-cuda12",
     "progress": "prompts", "total": 64},
]

ACME_SERVICES = [
    {"name": "rerank-api", "status": "running", "image": "lab/reranker:1.2", "gpu": "T4", "gpu_count": 1,
     "port": 9000, "readiness_probe": "/healthz", "policy": (0, 3, 20)},
    {"name": "embed-api", "status": "degraded", "image": "lab/embedder:0.9", "gpu": "L4", "gpu_count": 1,
     "port": 8080, "readiness_probe": "/ready", "policy": (2, 6, 50)},
    {"name": "chat-gateway", "status": "running", "image": None, "repo": "acme/chat-gateway", "gpu": "none",
     "gpu_count": 0, "port": 8000, "readiness_probe": "/health", "replicas": 2},
    {"name": "llama-3-70b-instruct", "status": "running", "image": "outpost/vllm:0.6", "gpu": "H100-80GB",
     "gpu_count": 4, "port": 8000, "readiness_probe": "/v1/models", "policy": (1, 4, 8)},
    {"name": "whisper-asr", "status": "running", "image": "lab/whisper:large-v3", "gpu": "A100-40GB",
     "gpu_count": 1, "port": 9000, "readiness_probe": "/", "policy": (1, 3, 12)},
    {"name": "sdxl-turbo", "status": "stopped", "image": "lab/diffusion:1.4", "gpu": "A100-80GB",
     "gpu_count": 1, "port": 7860, "readiness_probe": "/", "replicas": 1},
    {"name": "ocr-extract", "status": "running", "image": "lab/ocr:2.2", "gpu": "T4", "gpu_count": 1,
     "port": 8000, "readiness_probe": "/healthz", "policy": (1, 4, 30)},
    {"name": "moderation", "status": "running", "image": "lab/moderation:1.0", "gpu": "L4", "gpu_count": 1,
     "port": 8000, "readiness_probe": "/healthz", "replicas": 2},
    {"name": "vector-search", "status": "running", "image": "lab/vector:0.3", "gpu": "none", "gpu_count": 0,
     "port": 6333, "readiness_probe": "/readyz", "policy": (2, 8, 200)},
    {"name": "tts-stream", "status": "stopped", "image": "lab/tts:0.7", "gpu": "L4", "gpu_count": 1,
     "port": 8000, "readiness_probe": "/", "policy": (0, 2, 10)},
    {"name": "code-complete", "status": "running", "image": "outpost/vllm:0.6", "gpu": "H100-80GB",
     "gpu_count": 1, "port": 8000, "readiness_probe": "/v1/models", "policy": (1, 3, 15)},
    {"name": "summarize-api", "status": "deploying", "image": None, "repo": "acme/summarizer", "gpu": "A100-40GB",
     "gpu_count": 1, "port": 8000, "readiness_probe": "/healthz", "policy": (1, 2, 10)},
    {"name": "translate-api", "status": "failed", "image": "lab/translate:0.4", "gpu": "T4", "gpu_count": 1,
     "port": 8000, "readiness_probe": "/healthz", "policy": (1, 5, 25)},
    {"name": "clip-embed", "status": "running", "image": "lab/clip:vit-l14", "gpu": "T4", "gpu_count": 1,
     "port": 8000, "readiness_probe": "/", "replicas": 1},
]
MARA_SERVICES = [
    {"name": "blog-search", "status": "running", "image": "lab/vector:0.3", "gpu": "none", "gpu_count": 0,
     "port": 6333, "readiness_probe": "/readyz", "replicas": 1},
    {"name": "thesis-demo", "status": "stopped", "image": "mara/thesis-demo:0.2", "gpu": "T4", "gpu_count": 1,
     "port": 7860, "readiness_probe": "/", "replicas": 1},
    {"name": "playground-llm", "status": "running", "image": "outpost/vllm:0.6", "gpu": "L4", "gpu_count": 1,
     "port": 8000, "readiness_probe": "/v1/models", "policy": (0, 2, 5)},
]

# name, cloud, region, gpus, min_nodes, max_nodes, spot, labels
FLEETS = {
    "acme": [
        ("warm-h100", "gcp", "us-central1", "H100:2", 1, 4, True, {"team": "research"}),
        ("a100-pool", "aws", "us-east-1", "A100:8", 2, 6, False, {"team": "training"}),
        ("l4-inference", "azure", "westus2", "L4:1", 0, 8, False, {"tier": "batch"}),
        ("cpu-batch", "aws", "eu-west-1", None, 1, 10, True, {}),
    ],
    "mara": [
        ("personal-t4", "gcp", "europe-west4", "T4:1", 0, 2, True, {}),
        ("spot-a100", "aws", "us-west-2", "A100:1", 0, 1, True, {"owner": "mara"}),
        ("cpu-small", "aws", "us-east-1", None, 1, 2, False, {}),
    ],
}

# name, scopes, age in days, expires in days (None: never)
API_KEYS = [
    ("ci-deploy", ["job", "service"], 41, 49),
    ("grafana-readonly", ["machine", "service", "job"], 120, None),
]
PATS = [
    ("nightly-sync", ["job", "repo:read"], 12, 18),
    ("laptop", None, 200, None),
]
# name, public key line, age in days
SSH_KEYS = [
    ("workstation", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL2lEr5EiMJM38fMsaxF9KT/xSQ5M9dr9QIWzthumGyr mara@workstation", 300),
    ("laptop", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIH6VEgAgVl5Oi4gIPvQeg3xicnpf1Rfqr4wfWozlmq5 mara@laptop", 45),
]
