from atlas.cli import main

main()
