"""The Hugging Face part of the forkserver's preload (see autograder/_preload.py): about 7 s of
CPU on the course's 2-core machine, worth it for every assignment whose checks build models."""
import transformers  # noqa: F401
from transformers import (AutoModelForCausalLM, AutoTokenizer, GPT2Config,  # noqa: F401
                          GPT2LMHeadModel)
