from plan_extract.cli import main

main()
