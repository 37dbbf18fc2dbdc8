"""``make statemachines``: export every case type's machine as ASL (infra/statemachines),
as a Mermaid diagram (docs/machines), and as a resource of infra/template.yaml."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from chalicelib.workflow import asl
from chalicelib.workflow.machine import Machine

ROOT = Path(__file__).resolve().parent.parent
ASL_DIR = ROOT / "infra" / "statemachines"
DOCS_DIR = ROOT / "docs" / "machines"
TEMPLATE = ROOT / "infra" / "template.yaml"
BEGIN = "  # BEGIN generated state machines (make statemachines writes this block)\n"
END = "  # END generated state machines\n"


def production_machines() -> list[Machine]:
    from chalicelib.services import all_machines

    return sorted(all_machines(), key=lambda m: m.case_type)


def _logical_id(machine: Machine) -> str:
    words = re.split(r"[^A-Za-z0-9]+", machine.case_type)
    return "Lifecycle" + "".join(w.capitalize() for w in words) + "StateMachine"


def template_block(machines: list[Machine]) -> str:
    parts = [BEGIN]
    for machine in machines:
        definition = json.dumps(asl.to_asl(machine), separators=(",", ":"), ensure_ascii=False)
        parts.append(
            f"  {_logical_id(machine)}:\n"
            "    Type: AWS::StepFunctions::StateMachine\n"
            "    Properties:\n"
            f'      StateMachineName: !Sub "khidmat-${{Stage}}-lifecycle-{machine.case_type}"\n'
            "      StateMachineType: STANDARD\n"
            "      RoleArn: !GetAtt StatesRole.Arn\n"
            f"      DefinitionString: {json.dumps(definition, ensure_ascii=False)}\n"
            "      DefinitionSubstitutions:\n"
            "        LifecycleQueueUrl: !Ref LifecycleQueue\n"
        )
    parts.append(END)
    return "".join(parts)


def expected_files(machines: list[Machine]) -> dict[Path, str]:
    files = {ASL_DIR / f"{m.case_type}.asl.json": asl.to_json(m) for m in machines}
    files.update(
        {
            DOCS_DIR / f"{m.case_type}.md": f"# {m.title or m.case_type}\n\n```mermaid\n"
            f"{asl.to_mermaid(m)}```\n"
            for m in machines
        }
    )
    template = TEMPLATE.read_text()
    start, end = template.index(BEGIN), template.index(END) + len(END)
    files[TEMPLATE] = template[:start] + template_block(machines) + template[end:]
    return files


def main() -> int:
    machines = production_machines()
    files = expected_files(machines)
    for stale in [*ASL_DIR.glob("*.asl.json"), *DOCS_DIR.glob("*.md")]:
        if stale not in files:
            stale.unlink()
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"{len(machines)} machines exported: {', '.join(m.case_type for m in machines) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
